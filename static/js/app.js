// Behaviour that would otherwise be inline handlers, which the content security policy forbids.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("submit", (event) => {
  // Asked by the form, or by the one button of several that submitted it.
  const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
