//! What a person does on a screen of the app and what they read there, over
//! WebDriver: waiting for an element or a text (every wait bounded, never an
//! assertion of speed), clicking, and answering a form's questions by their
//! JSON pointer, the way `ui/src/model/form.rs` names their inputs.

use std::future::Future;
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

/// The longest one step waits for the screen: the debug app and the portal
/// share two cores with the rest of the machine.
pub const WAIT: Duration = Duration::from_secs(60);

/// The element `css` once it is there.
pub async fn element(client: &Client, css: &str) -> anyhow::Result<Element> {
    client.wait().at_most(WAIT).for_element(Locator::Css(css)).await.with_context(|| format!("waiting for {css}"))
}

pub async fn click(client: &Client, css: &str) -> anyhow::Result<()> {
    element(client, css).await?.click().await.with_context(|| format!("clicking {css}"))
}

pub async fn text_of(client: &Client, css: &str) -> anyhow::Result<String> {
    Ok(element(client, css).await?.text().await?)
}

/// Waits until `check` holds, asking again every 250 ms, for at most `within`.
pub async fn wait_until<F, Fut>(what: &str, within: Duration, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<bool>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await? {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            bail!("gave up waiting, after {within:?}, for {what}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits until an element `css` is shown (the screen may redraw meanwhile).
pub async fn wait_for(client: &Client, css: &str, within: Duration) -> anyhow::Result<()> {
    wait_until(css, within, move || async move { Ok(!client.find_all(Locator::Css(css)).await?.is_empty()) }).await
}

/// Waits until the text of `css` is `expected`, so a re-render in progress
/// is not mistaken for a failure.
pub async fn wait_for_text(client: &Client, css: &str, expected: &str) -> anyhow::Result<()> {
    let last = std::cell::RefCell::new(String::new());
    let seen = &last;
    let found = wait_until(&format!("{css} to read {expected:?}"), WAIT, move || async move {
        let text = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let done = text == expected;
        *seen.borrow_mut() = text;
        Ok(done)
    })
    .await;
    found.with_context(|| format!("{css} last read {:?}", last.borrow()))
}

/// The id of the input of the question at `pointer` (`model::form::dom_id`).
fn input_id(pointer: &str) -> String {
    format!("f{}", pointer.replace('.', "~2").replace('/', "."))
}

fn by_id(id: &str) -> String {
    format!("[id='{id}']")
}

/// Types `text` as the answer to a text question, replacing what it held.
pub async fn answer(client: &Client, pointer: &str, text: &str) -> anyhow::Result<()> {
    let input = element(client, &by_id(&input_id(pointer))).await?;
    input.clear().await?;
    input.send_keys(text).await.with_context(|| format!("answering {pointer}"))
}

/// Types a date into the question's day, month and year boxes.
pub async fn answer_date(client: &Client, pointer: &str, day: &str, month: &str, year: &str) -> anyhow::Result<()> {
    let id = input_id(pointer);
    for (part, text) in [(id.clone(), day), (format!("{id}-1"), month), (format!("{id}-2"), year)] {
        let input = element(client, &by_id(&part)).await?;
        input.clear().await?;
        input.send_keys(text).await.with_context(|| format!("answering {pointer}"))?;
    }
    Ok(())
}

/// Picks the option `value` of a radio question, by its label, as a person
/// does, and waits until the radio shows it chosen. A click WebDriver lands
/// while the page still moves (the save line appearing above) can miss the
/// label; a person would see nothing chosen and tap again, so the click is
/// repeated once. What the app does with the choice afterwards is still
/// checked by the page it leads to.
pub async fn choose(client: &Client, pointer: &str, value: &str) -> anyhow::Result<()> {
    let css = format!("input[name='{}'][value='{value}']", input_id(pointer));
    let radio = element(client, &css).await?;
    let id = radio.attr("id").await?.context("a radio without an id")?;
    let label = format!("label[for='{id}']");
    let is_chosen = {
        let css = css.as_str();
        move || async move { Ok(element(client, css).await?.is_selected().await?) }
    };
    click(client, &label).await?;
    if wait_until(&format!("{css} to be chosen"), Duration::from_secs(2), is_chosen).await.is_ok() {
        return Ok(());
    }
    click(client, &label).await?;
    wait_until(&format!("{css} to be chosen"), WAIT, is_chosen).await
}

/// Ticks a checkbox question by its label.
pub async fn tick(client: &Client, pointer: &str) -> anyhow::Result<()> {
    click(client, &format!("label[for='{}']", input_id(pointer))).await
}

/// Picks the option `value` of a select question.
pub async fn select(client: &Client, pointer: &str, value: &str) -> anyhow::Result<()> {
    element(client, &by_id(&input_id(pointer))).await?.select_by_value(value).await?;
    Ok(())
}

/// Hands the file at `path` to the file input of the attachment question at
/// `pointer` (WebDriver types a path into a file input).
pub async fn attach(client: &Client, pointer: &str, path: &std::path::Path) -> anyhow::Result<()> {
    let css = format!("[data-testid=question][data-pointer='{pointer}'] [data-testid=file-input]");
    element(client, &css)
        .await?
        .send_keys(&path.display().to_string())
        .await
        .with_context(|| format!("attaching to {pointer}"))
}

/// Presses "continue" on wizard page `from` and waits for page `to` (or,
/// with `None`, for "check your answers"), naming any error the page shows.
pub async fn continue_wizard(client: &Client, from: usize, to: Option<usize>) -> anyhow::Result<()> {
    element(client, &format!("[data-testid=wizard][data-page='{from}']")).await?;
    click(client, "[data-testid=continue]").await?;
    let next = match to {
        Some(page) => format!("[data-testid=wizard][data-page='{page}']"),
        None => "[data-testid=check-answers]".to_owned(),
    };
    let arrived = wait_for(client, &next, WAIT).await;
    if arrived.is_err() {
        let errors: Vec<String> = match client.find_all(Locator::Css("[data-testid=field-error]")).await {
            Ok(found) => {
                let mut texts = Vec::new();
                for error in found {
                    texts.push(error.text().await.unwrap_or_default());
                }
                texts
            }
            Err(_) => Vec::new(),
        };
        return arrived.with_context(|| format!("leaving page {from}; the page says {errors:?}"));
    }
    Ok(())
}
