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


def test_browser_forms_suggest_topics_and_organizations(live_server, page):  # noqa: F811
    """The forms list no directory: topics, a usual organization and a parent
    topic are suggested as typed, picked with the keyboard."""
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
    assert page.locator("datalist").count() == 0
    topic = page.locator("#topics-0-topic")
    topic.press_sequentially("circumven", delay=20)
    page.get_by_role("option", name="Sanctions > Sanctions circumvention").wait_for()
    topic.press("ArrowDown")
    topic.press("Enter")
    assert topic.input_value() == "Sanctions > Sanctions circumvention"

    page.goto(base + "/people/new")
    organization = page.locator("#organization_name")
    organization.press_sequentially("BelPol", delay=20)
    page.get_by_role("option", name="Belarusian Investigative Center").wait_for()
    assert organization.get_attribute("aria-expanded") == "true"
    organization.press("ArrowDown")
    organization.press("Enter")
    assert organization.input_value() == "Belarusian Investigative Center"

    page.goto(base + "/topics/new")
    page.fill("#name", "Export controls")
    parent = page.locator("#parent_name")
    parent.press_sequentially("Sanctio", delay=20)
    page.get_by_role("option", name="Sanctions", exact=True).wait_for()
    options = page.get_by_role("option").all_inner_texts()
    index = options.index("Sanctions")
    for _ in range(index + 1):
        parent.press("ArrowDown")
    parent.press("Enter")
    assert parent.input_value() == "Sanctions"
    assert page.input_value("#parent_id")  # the picked topic's id
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda url: "/topics/" in url and url.rstrip("/")[-1].isdigit())
    assert "Sanctions" in page.locator("main").inner_text()
