"""Name suggestions while typing (issue 9), in Chromium driven by Playwright."""

from tests.factories import Factories
from tests.test_browser import live_server, page  # noqa: F401 (fixtures)


def test_browser_typing_a_spelling_suggests_the_person(live_server, page):  # noqa: F811
    app, base = live_server
    page.goto(base + "/setup")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    page.goto(base + "/meetings/new")
    field = page.locator("#participants-0-person")
    field.press_sequentially("Kupreychyk", delay=20)

    option = page.get_by_role("option", name="Matvei Kupreichyk")
    option.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "Matvei Kupreichyk"
    assert page.get_by_role("listbox").is_hidden()

    # Another spelling in Cyrillic, picked with the pointer.
    owner = page.locator("#outcomes-0-owner")
    owner.press_sequentially("Купрэйчык", delay=20)
    page.get_by_role("option", name="Matvei Kupreichyk").click()
    assert owner.input_value() == "Matvei Kupreichyk"


def test_browser_history_filtered_by_typing_another_spelling(live_server, page):  # noqa: F811
    app, base = live_server
    page.goto(base + "/setup")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        Factories().meeting(
            "Unrelated meeting",
            participants=[(Factories().person("Someone Else"), None, "chair")],
        )
    page.goto(base + "/meetings")
    assert "Unrelated meeting" in page.locator(".meeting-line > a").all_inner_texts()

    field = page.locator("#person_name")
    field.press_sequentially("Купрэйчык", delay=20)
    option = page.get_by_role("option", name="Matvei Kupreichyk")
    option.wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "Matvei Kupreichyk"
    assert page.input_value("#person")  # the picked record's id
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "person=" in url and "person_name" not in url)
    assert page.locator("#person_name").input_value() == "Matvei Kupreichyk"
    filtered = page.locator(".meeting-line > a").all_inner_texts()
    assert filtered and "Unrelated meeting" not in filtered

    # Typing again forgets the picked id: a name the server resolves.
    field = page.locator("#person_name")
    field.fill("")
    field.press_sequentially("Nobody Known", delay=10)
    assert page.input_value("#person") == ""
    field.press("Escape")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "person_name=Nobody" in url)
    assert page.locator("#person-message").inner_text() == (
        "No person you may see is named “Nobody Known”."
    )
