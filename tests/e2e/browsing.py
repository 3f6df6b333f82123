"""Steps the browser tests share."""

from apps.demo.seed import DEMO_PASSWORD


def log_in(page, base: str, username: str) -> None:
    """Log in as a demo account through the login form."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
