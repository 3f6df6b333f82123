// Behaviour that would otherwise be inline handlers, which the content security policy forbids.
document.addEventListener("submit", (event) => {
  // Asked by the form, or by the one button of several that submitted it.
  const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// A tick that turns a field off while it is ticked (the plan preview's «no guarantee»
// beside the guarantee to try), so the figure left in it does not read as tried. On the
// way down (capture), before htmx, listening on the tick itself, sends the form.
document.addEventListener("change", (event) => {
  const field = event.target.dataset?.disables && document.getElementById(event.target.dataset.disables);
  if (field) field.disabled = event.target.checked;
}, {capture: true});
// A form of rows sent back with errors: its summary (templates/includes/error_summary.html)
// takes the focus, so that a screen reader reads it and the keyboard starts from it; each of
// its links puts the focus in the field it names, not only the field in view.
document.querySelector("[data-error-summary]")?.focus();
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({block: "center"});
});
