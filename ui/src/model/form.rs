//! The form wizard's decisions, made without a DOM so they are tested
//! natively: reading and writing answers by JSON pointer, which pages,
//! sections and fields the current answers show, the questions of a page
//! (repeatable groups expanded per item), which question an error of the
//! validator is about and so on which page it is, how an answer reads on
//! "check your answers", what changed against an original (supplements), and
//! the answers hidden questions must not send.
//!
//! A question on screen is a [`Slot`]: a field of the layout at an absolute
//! pointer (inside a repeatable group, the group's pointer, the item's index
//! and the field's relative pointer).

use std::collections::BTreeSet;

use hoso_domain::catalogue::Localized;
use hoso_domain::form::{Claims, Condition, FieldError, FieldLayout, FormDefinition, Section, Widget};
use hoso_protocol::command::AttachmentInfo;
use serde_json::{Map, Value};

use crate::i18n::{Lang, pick, t};

// ----- Pointers ---------------------------------------------------------------

/// The tokens of a JSON pointer (RFC 6901), unescaped; `None` when it does
/// not start with `/` (the empty pointer, the whole document, has none).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|token| token.replace("~1", "/").replace("~0", "~")).collect())
}

/// Writes `value` at `pointer`, creating the objects on the way (and an array
/// where the next token is an index, padded with empty items, since every
/// repeatable group's item is an object). A value of another kind on the way
/// is replaced: the layout, not the old answer, says what lives there.
pub fn set(data: &mut Value, pointer: &str, value: Value) {
    let Some(tokens) = tokens(pointer) else { return };
    if tokens.is_empty() {
        *data = value;
        return;
    }
    let mut node = data;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        let index = token.parse::<usize>().ok();
        if let (Some(index), true) = (index, node.is_array()) {
            let Value::Array(items) = node else { return };
            while items.len() <= index {
                items.push(Value::Object(Map::new()));
            }
            if last {
                items[index] = value;
                return;
            }
            node = &mut items[index];
            continue;
        }
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else { return };
        if last {
            map.insert(token.clone(), value);
            return;
        }
        let next_is_index = tokens[i + 1].parse::<usize>().is_ok();
        let child = map
            .entry(token.clone())
            .or_insert_with(|| if next_is_index { Value::Array(Vec::new()) } else { Value::Object(Map::new()) });
        node = child;
    }
}

/// Removes the answer at `pointer`, then every object left empty above it
/// (an empty `father: {}` would be judged as a father with no name). Array
/// items are never removed here: that is [`remove_item`]'s decision.
pub fn remove(data: &mut Value, pointer: &str) {
    let Some(tokens) = tokens(pointer) else { return };
    if tokens.is_empty() {
        return;
    }
    remove_tokens(data, &tokens);
}

/// Removes along `tokens`; answers whether `node` is left an empty object.
fn remove_tokens(node: &mut Value, tokens: &[String]) -> bool {
    let (first, rest) = (&tokens[0], &tokens[1..]);
    match node {
        Value::Object(map) => {
            if rest.is_empty() {
                map.remove(first);
            } else if let Some(child) = map.get_mut(first)
                && remove_tokens(child, rest)
            {
                map.remove(first);
            }
            map.is_empty()
        }
        Value::Array(items) => {
            if let (Ok(index), false) = (first.parse::<usize>(), rest.is_empty())
                && let Some(child) = items.get_mut(index)
            {
                remove_tokens(child, rest);
            }
            false
        }
        _ => false,
    }
}

/// The id of a question's input in the page: `f` and the pointer with `/` as
/// `.` (and `.` as `~2`, free in pointers, so two pointers never share an id).
pub fn dom_id(pointer: &str) -> String {
    format!("f{}", pointer.replace('.', "~2").replace('/', "."))
}

// ----- What is shown ------------------------------------------------------------

fn shown(condition: &Option<Condition>, data: &Value) -> bool {
    condition.as_ref().is_none_or(|c| c.holds(data))
}

/// Whether page `n` is shown for `data` (a page that does not exist is not).
pub fn page_shown(form: &FormDefinition, n: usize, data: &Value) -> bool {
    form.layout.pages.get(n).is_some_and(|page| shown(&page.visible_if, data))
}

/// The shown pages, in order.
pub fn shown_pages(form: &FormDefinition, data: &Value) -> Vec<usize> {
    (0..form.layout.pages.len()).filter(|n| page_shown(form, *n, data)).collect()
}

/// The next shown page after `n`; `None` after the last (check your answers).
pub fn next_page(form: &FormDefinition, n: usize, data: &Value) -> Option<usize> {
    (n + 1..form.layout.pages.len()).find(|m| page_shown(form, *m, data))
}

/// The shown page before `n`.
pub fn previous_page(form: &FormDefinition, n: usize, data: &Value) -> Option<usize> {
    (0..n.min(form.layout.pages.len())).rev().find(|m| page_shown(form, *m, data))
}

/// The page to show when page `n` is asked for: itself when shown, else the
/// next shown one, else the last shown one before it.
pub fn landing_page(form: &FormDefinition, n: usize, data: &Value) -> Option<usize> {
    if page_shown(form, n, data) { Some(n) } else { next_page(form, n, data).or_else(|| previous_page(form, n, data)) }
}

/// "Step 2 of 5": the position of page `n` among the shown pages, from 1, and their count.
pub fn step_of(form: &FormDefinition, n: usize, data: &Value) -> (usize, usize) {
    let pages = shown_pages(form, data);
    let position = pages.iter().position(|p| *p == n).map_or(0, |p| p + 1);
    (position, pages.len())
}

/// How many items a repeatable group shows: the answers' items, at least
/// `min_items`, at most `max_items`; a section that does not repeat has one.
pub fn item_count(section: &Section, data: &Value) -> usize {
    match &section.repeat {
        None => 1,
        Some(repeat) => {
            let answered = data.pointer(&repeat.pointer).and_then(Value::as_array).map_or(0, Vec::len);
            answered.max(usize::from(repeat.min_items)).min(usize::from(repeat.max_items).max(answered))
        }
    }
}

/// Adds an empty item to a repeatable group, unless it holds `max_items`.
pub fn add_item(section: &Section, data: &mut Value) {
    let Some(repeat) = &section.repeat else { return };
    let count = item_count(section, data);
    if count < usize::from(repeat.max_items) {
        set(data, &format!("{}/{count}", repeat.pointer), Value::Object(Map::new()));
    }
}

/// Removes item `index` of a repeatable group (the items after it move up).
pub fn remove_item(section: &Section, data: &mut Value, index: usize) {
    let Some(repeat) = &section.repeat else { return };
    if let Some(Value::Array(items)) = data.pointer_mut(&repeat.pointer)
        && index < items.len()
    {
        items.remove(index);
    }
}

/// One question on screen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    pub page: usize,
    pub section: usize,
    pub field: usize,
    /// The item of a repeatable group, from 0.
    pub item: Option<usize>,
    /// Where its answer lives in the whole form's data.
    pub pointer: String,
}

impl Slot {
    pub fn layout<'a>(&self, form: &'a FormDefinition) -> &'a FieldLayout {
        &form.layout.pages[self.page].sections[self.section].fields[self.field]
    }
}

/// The absolute pointer of `field` of `section`, in item `item` when it repeats.
pub fn absolute(section: &Section, field: &FieldLayout, item: Option<usize>) -> String {
    match (&section.repeat, item) {
        (Some(repeat), Some(item)) => format!("{}/{item}{}", repeat.pointer, field.pointer),
        _ => field.pointer.clone(),
    }
}

/// Every question of page `n`, hidden ones included, with repeatable groups
/// expanded to their items: what the page draws (hidden ones stay in the
/// page, hidden, so what was typed there survives showing them again).
pub fn page_slots(form: &FormDefinition, n: usize, data: &Value) -> Vec<(Slot, bool)> {
    let Some(page) = form.layout.pages.get(n) else { return Vec::new() };
    let page_shown = shown(&page.visible_if, data);
    let mut slots = Vec::new();
    for (s, section) in page.sections.iter().enumerate() {
        let section_shown = page_shown && shown(&section.visible_if, data);
        let items: Vec<Option<usize>> = match section.repeat {
            Some(_) => (0..item_count(section, data)).map(Some).collect(),
            None => vec![None],
        };
        for item in items {
            for (f, field) in section.fields.iter().enumerate() {
                let slot = Slot { page: n, section: s, field: f, item, pointer: absolute(section, field, item) };
                slots.push((slot, section_shown && shown(&field.visible_if, data)));
            }
        }
    }
    slots
}

/// The shown questions of page `n`.
pub fn shown_slots(form: &FormDefinition, n: usize, data: &Value) -> Vec<Slot> {
    page_slots(form, n, data).into_iter().filter(|(_, shown)| *shown).map(|(slot, _)| slot).collect()
}

/// The shown questions of every shown page, in order.
pub fn all_shown_slots(form: &FormDefinition, data: &Value) -> Vec<Slot> {
    shown_pages(form, data).into_iter().flat_map(|n| shown_slots(form, n, data)).collect()
}

// ----- Errors -------------------------------------------------------------------

/// The question an error is about, among `slots`: the one at its pointer;
/// else the one whose answer holds it (an attachment's `/sha256`); else the
/// first one under it (a missing object such as `/mother`, a group's array).
pub fn slot_for<'a>(slots: &'a [Slot], pointer: &str) -> Option<&'a Slot> {
    if let Some(slot) = slots.iter().find(|s| s.pointer == pointer) {
        return Some(slot);
    }
    let inside =
        slots.iter().filter(|s| pointer.starts_with(&format!("{}/", s.pointer))).max_by_key(|s| s.pointer.len());
    if inside.is_some() {
        return inside;
    }
    if pointer.is_empty() {
        return None;
    }
    let prefix = format!("{pointer}/");
    slots.iter().find(|s| s.pointer.starts_with(&prefix))
}

/// An error of the validator and the shown question it is about, if any
/// (`None` for an answer no shown question asks, e.g. the whole form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub error: FieldError,
    pub slot: Option<Slot>,
}

/// Places every error on its question, in the order the questions are asked
/// (errors about no question last), so a summary reads like the form.
pub fn place(form: &FormDefinition, data: &Value, errors: &[FieldError]) -> Vec<Placed> {
    let slots = all_shown_slots(form, data);
    let mut placed: Vec<(usize, Placed)> = errors
        .iter()
        .map(|error| {
            let slot = slot_for(&slots, &error.pointer).cloned();
            let order = slot.as_ref().and_then(|s| slots.iter().position(|x| x == s)).unwrap_or(usize::MAX);
            (order, Placed { error: error.clone(), slot })
        })
        .collect();
    placed.sort_by_key(|(order, _)| *order);
    placed.into_iter().map(|(_, p)| p).collect()
}

/// The translated message of an error, with its limit as `{n}`.
pub fn error_message(lang: Lang, error: &FieldError) -> String {
    let text = t(lang, &format!("field_error.{}", error.code));
    match error.limit {
        Some(n) => text.replace("{n}", &n.to_string()),
        None => text,
    }
}

// ----- Answers ------------------------------------------------------------------

/// The answer a text-like input gives for `text`: `None` removes the answer,
/// so an emptied question reads as unanswered ("required") rather than as a
/// too-short answer. A question filled from the identity keeps an empty text
/// instead, because removing it would let the prefill fill it again, undoing
/// the person's choice (see `hoso_domain::form::prefill`).
pub fn text_answer(field: &FieldLayout, text: &str) -> Option<Value> {
    if text.trim().is_empty() {
        return field.prefill.map(|_| Value::String(String::new()));
    }
    match field.widget {
        Widget::Number => Some(parse_number(text)),
        _ => Some(Value::String(text.to_owned())),
    }
}

/// What a text becomes once the person leaves the question: trimmed, and
/// identity numbers without the spaces people type to group digits.
pub fn tidy_text(widget: &Widget, text: &str) -> String {
    match widget {
        Widget::CitizenId | Widget::TaxCode => text.chars().filter(|c| !c.is_whitespace()).collect(),
        _ => text.trim().to_owned(),
    }
}

/// A typed number as JSON: whole numbers as integers, thousands grouped with
/// `.` (Vietnamese) or `,` (English) read as such, and a decimal comma read as
/// a point. A text that is not a number stays text, so the validator, the one
/// judge, reports it at its question.
pub fn parse_number(text: &str) -> Value {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for separator in ['.', ','] {
        if let Some(n) = grouped(&compact, separator) {
            return Value::from(n);
        }
    }
    if let Ok(n) = compact.parse::<i64>() {
        return Value::from(n);
    }
    match compact.replace(',', ".").parse::<f64>() {
        Ok(f) if f.is_finite() && !compact.is_empty() => {
            serde_json::Number::from_f64(f).map_or_else(|| Value::String(text.to_owned()), Value::Number)
        }
        _ => Value::String(text.to_owned()),
    }
}

/// `1.000.000` with `.` as the separator: groups of three after the first.
fn grouped(text: &str, separator: char) -> Option<i64> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let groups: Vec<&str> = digits.split(separator).collect();
    let well_formed = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    groups.concat().parse::<i64>().ok().map(|n| sign * n)
}

/// The text an input shows for an answer.
pub fn answer_as_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Day, month and year of a `dd/mm/yyyy` answer, for the three inputs of a
/// date; an answer of another shape is shown whole in the first.
pub fn date_parts(value: Option<&Value>) -> [String; 3] {
    let text = answer_as_text(value);
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [d, m, y] => [(*d).to_owned(), (*m).to_owned(), (*y).to_owned()],
        _ => [text, String::new(), String::new()],
    }
}

/// The `dd/mm/yyyy` answer of the three inputs; `None` when all are empty.
/// With `pad`, a one-digit day or month gets its leading zero (done when the
/// person leaves the input, not while they type).
pub fn join_date(parts: &[String; 3], pad: bool) -> Option<String> {
    let parts: Vec<String> = parts.iter().map(|p| p.trim().to_owned()).collect();
    if parts.iter().all(String::is_empty) {
        return None;
    }
    let fix = |p: &str| {
        if pad && p.len() == 1 && p.chars().all(|c| c.is_ascii_digit()) { format!("0{p}") } else { p.to_owned() }
    };
    Some(format!("{}/{}/{}", fix(&parts[0]), fix(&parts[1]), parts[2]))
}

/// How an answer reads on "check your answers"; `None` when unanswered.
pub fn answer_text(lang: Lang, widget: &Widget, value: Option<&Value>) -> Option<String> {
    let value = value.filter(|v| !v.is_null() && *v != &Value::String(String::new()))?;
    Some(match (widget, value) {
        (Widget::Select { options } | Widget::Radio { options }, Value::String(chosen)) => {
            options.iter().find(|o| &o.value == chosen).map_or_else(|| chosen.clone(), |o| pick(lang, &o.label))
        }
        (Widget::Checkbox, Value::Bool(true)) => t(lang, "form.answer.yes"),
        (Widget::Checkbox, Value::Bool(false)) => t(lang, "form.answer.no"),
        (Widget::Attachment { .. }, Value::Object(file)) => {
            let name = file.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            match file.get("bytes").and_then(Value::as_u64) {
                Some(bytes) => format!("{name} ({})", super::attachment::size_text(lang, bytes)),
                None => name,
            }
        }
        (_, Value::String(text)) => text.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, Value::Bool(b)) => t(lang, if *b { "form.answer.yes" } else { "form.answer.no" }),
        (_, other) => other.to_string(),
    })
}

/// Whether the answer of `field` is what the identity provider vouched for,
/// so the page marks it "from your identity".
pub fn is_prefilled(field: &FieldLayout, value: Option<&Value>, claims: &Claims) -> bool {
    match (field.prefill.and_then(|claim| claims.value_of(claim)), value) {
        (Some(claimed), Some(value)) => &claimed == value,
        _ => false,
    }
}

/// Whether the draft holds anything the person gave themselves, beyond
/// answers filled from their identity: only then is "continue where you left
/// off" worth asking.
pub fn has_own_answers(form: &FormDefinition, data: &Value) -> bool {
    let prefilled: BTreeSet<&str> = form.fields().filter(|f| f.prefill.is_some()).map(|f| f.pointer.as_str()).collect();
    let mut leaves = Vec::new();
    collect_leaves(data, String::new(), &mut leaves);
    leaves.iter().any(|(pointer, value)| !prefilled.contains(pointer.as_str()) && !is_blank(value))
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every answer that is not an object or array, with its pointer (an empty
/// object or array is a leaf too, so its removal shows as a change).
fn collect_leaves(value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                collect_leaves(child, format!("{pointer}/{}", escape(key)), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                collect_leaves(child, format!("{pointer}/{i}"), out);
            }
        }
        other => out.push((pointer, other.clone())),
    }
}

/// The pointers of the answers that differ between `original` and `data`:
/// changed, added or removed, at the deepest level where they differ.
pub fn changed_pointers(original: &Value, data: &Value) -> BTreeSet<String> {
    let mut old = Vec::new();
    let mut new = Vec::new();
    collect_leaves(original, String::new(), &mut old);
    collect_leaves(data, String::new(), &mut new);
    let old: std::collections::BTreeMap<String, Value> = old.into_iter().collect();
    let new: std::collections::BTreeMap<String, Value> = new.into_iter().collect();
    old.keys().chain(new.keys()).filter(|pointer| old.get(*pointer) != new.get(*pointer)).cloned().collect()
}

/// Whether the answer of the question at `pointer` changed: it, or a part of
/// it (an attachment's file), or the object above it, is among `changed`.
pub fn is_changed(changed: &BTreeSet<String>, pointer: &str) -> bool {
    changed
        .iter()
        .any(|c| c == pointer || c.starts_with(&format!("{pointer}/")) || pointer.starts_with(&format!("{c}/")))
}

/// The visible checkboxes of page `n` nobody ticked or unticked: an unticked
/// box is an answer ("no"), written when the person moves on.
pub fn unanswered_checkboxes(form: &FormDefinition, n: usize, data: &Value) -> Vec<String> {
    shown_slots(form, n, data)
        .into_iter()
        .filter(|slot| matches!(slot.layout(form).widget, Widget::Checkbox))
        .filter(|slot| data.pointer(&slot.pointer).is_none())
        .map(|slot| slot.pointer)
        .collect()
}

/// The answers without those of hidden questions (a hidden page, section or
/// question, a hidden repeatable group's whole array), so nothing the person
/// cannot see is judged or sent in their name. An answer a shown question
/// also asks is kept.
pub fn strip_hidden(form: &FormDefinition, data: &Value) -> Value {
    let visible: BTreeSet<String> = all_shown_slots(form, data).into_iter().map(|s| s.pointer).collect();
    let mut hidden = Vec::new();
    for (n, page) in form.layout.pages.iter().enumerate() {
        for (slot, visible_now) in page_slots(form, n, data) {
            if !visible_now && !visible.contains(&slot.pointer) {
                hidden.push(slot.pointer);
            }
        }
        for section in &page.sections {
            if let Some(repeat) = &section.repeat
                && !(shown(&page.visible_if, data) && shown(&section.visible_if, data))
            {
                hidden.push(repeat.pointer.clone());
            }
        }
    }
    let mut stripped = data.clone();
    for pointer in hidden {
        remove(&mut stripped, &pointer);
    }
    stripped
}

/// The label of the question at an absolute pointer (a supplement request's
/// field, a bulk row's error), with the item of its group when it repeats.
pub fn label_at<'a>(form: &'a FormDefinition, pointer: &str) -> Option<(&'a Localized, Option<usize>)> {
    for page in &form.layout.pages {
        for section in &page.sections {
            for field in &section.fields {
                match &section.repeat {
                    None if field.pointer == pointer => return Some((&field.label, None)),
                    Some(repeat) => {
                        let Some(rest) = pointer.strip_prefix(&format!("{}/", repeat.pointer)) else { continue };
                        let Some((index, tail)) = rest.split_once('/') else { continue };
                        if format!("/{tail}") == field.pointer
                            && let Ok(index) = index.parse::<usize>()
                        {
                            return Some((&field.label, Some(index)));
                        }
                    }
                    None => {}
                }
            }
        }
    }
    None
}

/// A question's label for lists, with "(item 2)" for a repeatable group's
/// item; the pointer itself when no question asks it.
pub fn label_text(lang: Lang, form: &FormDefinition, pointer: &str) -> String {
    match label_at(form, pointer) {
        Some((label, None)) => pick(lang, label),
        Some((label, Some(item))) => format!("{} ({})", pick(lang, label), item + 1),
        None => pointer.to_owned(),
    }
}

// ----- Attachments ----------------------------------------------------------------

/// The answer an attachment question holds: what the schema's `attachment`
/// definition asks (`sha256`, `media_type`, `bytes`, `name`).
pub fn attachment_answer(file: &AttachmentInfo) -> Value {
    serde_json::json!({
        "sha256": file.sha256,
        "media_type": file.media_type,
        "bytes": file.size,
        "name": file.name,
    })
}

/// The question bound to required document `document`, outside groups.
pub fn attachment_pointer(form: &FormDefinition, document: &str) -> Option<String> {
    form.layout
        .pages
        .iter()
        .flat_map(|p| &p.sections)
        .filter(|s| s.repeat.is_none())
        .flat_map(|s| &s.fields)
        .find(|f| matches!(&f.widget, Widget::Attachment { document: d } if d == document))
        .map(|f| f.pointer.clone())
}

/// The answers with each attachment question pointing at the file the device
/// keeps for its document (the latest one added), and without a file the
/// device no longer holds: the engine keeps files, the answers name them.
pub fn reconcile_attachments(form: &FormDefinition, data: &Value, files: &[AttachmentInfo]) -> Value {
    let mut data = data.clone();
    for field in form.fields() {
        let Widget::Attachment { document } = &field.widget else { continue };
        if attachment_pointer(form, document).as_deref() != Some(field.pointer.as_str()) {
            continue;
        }
        let held = files.iter().rev().find(|f| &f.document == document);
        let named = data.pointer(&field.pointer).and_then(|v| v.get("sha256")).and_then(Value::as_str);
        match held {
            Some(file) if named == Some(file.sha256.as_str()) => {}
            Some(file) => set(&mut data, &field.pointer, attachment_answer(file)),
            None if data.pointer(&field.pointer).is_some() => remove(&mut data, &field.pointer),
            None => {}
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form(name: &str) -> FormDefinition {
        let path = format!("{}/../assets/forms/{name}.v1.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn error(pointer: &str, code: &str) -> FieldError {
        FieldError { pointer: pointer.into(), code: code.into(), limit: None }
    }

    #[test]
    fn set_creates_objects_and_group_items_on_the_way() {
        let mut data = json!({});
        set(&mut data, "/child/full_name", json!("An"));
        set(&mut data, "/members/1/full_name", json!("Bình"));
        assert_eq!(data, json!({"child": {"full_name": "An"}, "members": [{}, {"full_name": "Bình"}]}));
        set(&mut data, "/a~1b", json!(1));
        assert_eq!(data["a/b"], json!(1));
    }

    #[test]
    fn removing_the_last_answer_of_an_object_removes_the_object() {
        let mut data = json!({"father": {"full_name": "Nam"}, "members": [{"full_name": "X"}]});
        remove(&mut data, "/father/full_name");
        remove(&mut data, "/members/0/full_name");
        assert_eq!(data, json!({"members": [{}]}));
    }

    #[test]
    fn dom_ids_differ_for_pointers_that_differ_only_by_a_dot_or_slash() {
        assert_eq!(dom_id("/child/full_name"), "f.child.full_name");
        assert_ne!(dom_id("/a.b"), dom_id("/a/b"));
    }

    #[test]
    fn the_father_page_shows_his_questions_only_once_he_is_known() {
        let form = form("ho-tich.khai-sinh");
        let unknown = json!({"father_known": false});
        let known = json!({"father_known": true});
        assert_eq!(shown_slots(&form, 2, &unknown).len(), 1);
        assert_eq!(shown_slots(&form, 2, &known).len(), 7);
        // Hidden questions are still drawn, hidden, so typed answers survive.
        assert_eq!(page_slots(&form, 2, &unknown).len(), 7);
    }

    #[test]
    fn a_hidden_page_is_skipped_in_both_directions() {
        let mut form = form("ho-tich.khai-sinh");
        form.layout.pages[2].visible_if = Some(Condition::Equals { pointer: "/x".into(), value: json!(true) });
        let data = json!({});
        assert_eq!(next_page(&form, 1, &data), Some(3));
        assert_eq!(previous_page(&form, 3, &data), Some(1));
        assert_eq!(landing_page(&form, 2, &data), Some(3));
        assert_eq!(step_of(&form, 3, &data), (3, 4));
        assert_eq!(next_page(&form, 4, &data), None);
    }

    #[test]
    fn a_repeatable_group_shows_its_items_and_adds_and_removes_them() {
        let form = form("cu-tru.thuong-tru");
        let section = &form.layout.pages[2].sections[0];
        let mut data = json!({});
        assert_eq!(item_count(section, &data), 0);
        add_item(section, &mut data);
        add_item(section, &mut data);
        set(&mut data, "/members/1/full_name", json!("Bình"));
        assert_eq!(item_count(section, &data), 2);
        let slots = shown_slots(&form, 2, &data);
        assert_eq!(slots.len(), 8);
        assert_eq!(slots[4].pointer, "/members/1/full_name");
        remove_item(section, &mut data, 0);
        assert_eq!(data, json!({"members": [{"full_name": "Bình"}]}));
        for _ in 0..20 {
            add_item(section, &mut data);
        }
        assert_eq!(item_count(section, &data), 10);
    }

    #[test]
    fn an_error_lands_on_its_question_or_the_nearest_one() {
        let form = form("ho-tich.khai-sinh");
        let data = json!({"father_known": true, "declarant": {"relation": "other"}});
        let errors = vec![
            error("/attachments/uy-quyen", "required"),
            error("/mother", "required"),
            error("/child/full_name", "too_short"),
            error("/attachments/giay-chung-sinh/sha256", "pattern"),
            error("", "invalid"),
        ];
        let placed = place(&form, &data, &errors);
        let pointers: Vec<Option<&str>> = placed.iter().map(|p| p.slot.as_ref().map(|s| s.pointer.as_str())).collect();
        assert_eq!(
            pointers,
            [
                Some("/child/full_name"),
                Some("/mother/full_name"),
                Some("/attachments/giay-chung-sinh"),
                Some("/attachments/uy-quyen"),
                None
            ]
        );
        assert_eq!(placed[1].slot.as_ref().unwrap().page, 1);
        assert_eq!(placed[3].slot.as_ref().unwrap().page, 4);
    }

    #[test]
    fn an_error_in_a_group_item_lands_on_that_item() {
        let form = form("cu-tru.thuong-tru");
        let data = json!({"members": [{}, {}]});
        let placed = place(&form, &data, &[error("/members/1/citizen_id", "cccd.shape")]);
        let slot = placed[0].slot.clone().unwrap();
        assert_eq!((slot.page, slot.item), (2, Some(1)));
    }

    #[test]
    fn an_error_about_a_hidden_question_is_placed_nowhere() {
        let form = form("ho-tich.khai-sinh");
        let placed = place(&form, &json!({"father_known": false}), &[error("/father/full_name", "required")]);
        assert_eq!(placed[0].slot, None);
    }

    #[test]
    fn messages_carry_their_limit() {
        let e = FieldError { pointer: "/x".into(), code: "too_short".into(), limit: Some(2) };
        assert_eq!(error_message(Lang::En, &e), "Enter a longer answer – there is a 2-character minimum");
    }

    #[test]
    fn an_emptied_question_is_unanswered_unless_it_was_filled_from_the_identity() {
        let form = form("ho-tich.khai-sinh");
        let name = form.fields().find(|f| f.pointer == "/child/full_name").unwrap();
        let declarant = form.fields().find(|f| f.pointer == "/declarant/full_name").unwrap();
        assert_eq!(text_answer(name, "  "), None);
        assert_eq!(text_answer(declarant, ""), Some(json!("")));
        assert_eq!(text_answer(name, "An"), Some(json!("An")));
    }

    #[test]
    fn numbers_read_with_either_language_s_separators() {
        assert_eq!(parse_number("1.500.000"), json!(1_500_000));
        assert_eq!(parse_number("1,500,000"), json!(1_500_000));
        assert_eq!(parse_number(" 42 "), json!(42));
        assert_eq!(parse_number("2,5"), json!(2.5));
        assert_eq!(parse_number("2.5"), json!(2.5));
        assert_eq!(parse_number("-3"), json!(-3));
        assert_eq!(parse_number("12a"), json!("12a"));
        assert_eq!(parse_number("1.50.000"), json!("1.50.000"));
    }

    #[test]
    fn identity_numbers_lose_their_spaces_when_left() {
        assert_eq!(tidy_text(&Widget::CitizenId, " 001 099 012345 "), "001099012345");
        assert_eq!(tidy_text(&Widget::Text, "  Nguyễn Văn A "), "Nguyễn Văn A");
    }

    #[test]
    fn a_date_splits_into_three_inputs_and_joins_back_padded_when_left() {
        assert_eq!(date_parts(Some(&json!("05/03/2026"))), ["05", "03", "2026"]);
        assert_eq!(date_parts(Some(&json!("tomorrow"))), ["tomorrow", "", ""]);
        assert_eq!(date_parts(None), ["", "", ""]);
        let typed = ["5".to_owned(), "3".to_owned(), "2026".to_owned()];
        assert_eq!(join_date(&typed, false).as_deref(), Some("5/3/2026"));
        assert_eq!(join_date(&typed, true).as_deref(), Some("05/03/2026"));
        assert_eq!(join_date(&[String::new(), " ".into(), String::new()], true), None);
    }

    #[test]
    fn answers_read_as_people_wrote_or_chose_them() {
        let form = form("ho-tich.khai-sinh");
        let sex = &form.fields().find(|f| f.pointer == "/child/sex").unwrap().widget;
        assert_eq!(answer_text(Lang::Vi, sex, Some(&json!("female"))).as_deref(), Some("Nữ"));
        assert_eq!(answer_text(Lang::En, sex, Some(&json!("female"))).as_deref(), Some("Female"));
        assert_eq!(answer_text(Lang::En, &Widget::Checkbox, Some(&json!(true))).as_deref(), Some("Yes"));
        assert_eq!(answer_text(Lang::En, &Widget::Text, Some(&json!(""))), None);
        assert_eq!(answer_text(Lang::En, &Widget::Text, None), None);
        let file = json!({"name": "scan.pdf", "bytes": 2_621_440, "sha256": "ab", "media_type": "application/pdf"});
        let widget = Widget::Attachment { document: "x".into() };
        assert_eq!(answer_text(Lang::En, &widget, Some(&file)).as_deref(), Some("scan.pdf (2.5 MB)"));
    }

    #[test]
    fn a_prefilled_answer_is_marked_until_the_person_changes_it() {
        let form = form("ho-tich.khai-sinh");
        let field = form.fields().find(|f| f.pointer == "/declarant/full_name").unwrap();
        let claims = Claims { full_name: Some("Trần Thị B".into()), ..Claims::default() };
        assert!(is_prefilled(field, Some(&json!("Trần Thị B")), &claims));
        assert!(!is_prefilled(field, Some(&json!("Trần Thị C")), &claims));
        assert!(!is_prefilled(field, None, &claims));
    }

    #[test]
    fn only_answers_beyond_the_prefill_make_a_draft_worth_resuming() {
        let form = form("ho-tich.khai-sinh");
        assert!(!has_own_answers(&form, &json!({})));
        assert!(!has_own_answers(&form, &json!({"declarant": {"full_name": "B", "citizen_id": "001099012345"}})));
        assert!(has_own_answers(&form, &json!({"child": {"full_name": "An"}})));
    }

    #[test]
    fn changes_are_found_at_the_deepest_answer_that_differs() {
        let original = json!({"child": {"full_name": "An", "sex": "male"}, "members": [{"n": 1}]});
        let data = json!({"child": {"full_name": "Ân", "sex": "male"}, "members": [], "new": true});
        let changed = changed_pointers(&original, &data);
        assert_eq!(
            changed.iter().map(String::as_str).collect::<Vec<_>>(),
            ["/child/full_name", "/members", "/members/0/n", "/new"]
        );
        assert!(is_changed(&changed, "/child/full_name"));
        assert!(!is_changed(&changed, "/child/sex"));
        assert!(is_changed(&changed, "/members/0/n"));
        let files = changed_pointers(&json!({"a": {"f": {"sha256": "1"}}}), &json!({"a": {"f": {"sha256": "2"}}}));
        assert!(is_changed(&files, "/a/f"));
    }

    #[test]
    fn hidden_answers_are_not_sent() {
        let form = form("ho-tich.khai-sinh");
        let data = json!({
            "father_known": false,
            "father": {"full_name": "Nam"},
            "declarant": {"relation": "mother"},
            "attachments": {"uy-quyen": {"name": "x"}, "giay-chung-sinh": {"name": "y"}}
        });
        let stripped = strip_hidden(&form, &data);
        assert_eq!(
            stripped,
            json!({"father_known": false, "declarant": {"relation": "mother"}, "attachments": {"giay-chung-sinh": {"name": "y"}}})
        );
        let shown = json!({"father_known": true, "father": {"full_name": "Nam"}});
        assert_eq!(strip_hidden(&form, &shown), shown);
    }

    #[test]
    fn a_hidden_group_loses_its_whole_array() {
        let mut form = form("cu-tru.thuong-tru");
        form.layout.pages[2].sections[0].visible_if =
            Some(Condition::Equals { pointer: "/with_others".into(), value: json!(true) });
        let data = json!({"members": [{"full_name": "X"}]});
        assert_eq!(strip_hidden(&form, &data), json!({}));
    }

    #[test]
    fn an_unticked_box_becomes_no_when_the_person_moves_on() {
        let form = form("ho-tich.khai-sinh");
        assert_eq!(unanswered_checkboxes(&form, 2, &json!({})), ["/father_known"]);
        assert!(unanswered_checkboxes(&form, 2, &json!({"father_known": true})).is_empty());
    }

    #[test]
    fn labels_are_found_for_plain_and_group_questions() {
        let form = form("cu-tru.thuong-tru");
        assert_eq!(label_text(Lang::En, &form, "/new_address"), "Address to register");
        assert_eq!(label_text(Lang::En, &form, "/members/2/full_name"), "Full name (3)");
        assert_eq!(label_text(Lang::En, &form, "/nowhere"), "/nowhere");
    }

    #[test]
    fn answers_name_the_files_the_device_holds() {
        let form = form("ho-tich.khai-sinh");
        let file = AttachmentInfo {
            document: "giay-chung-sinh".into(),
            sha256: "a".repeat(64),
            name: "cs.pdf".into(),
            media_type: "application/pdf".into(),
            size: 10,
        };
        let data = json!({"attachments": {"uy-quyen": {"sha256": "gone"}}});
        let fixed = reconcile_attachments(&form, &data, std::slice::from_ref(&file));
        assert_eq!(
            fixed,
            json!({"attachments": {"giay-chung-sinh": {"sha256": "a".repeat(64), "media_type": "application/pdf", "bytes": 10, "name": "cs.pdf"}}})
        );
        assert_eq!(reconcile_attachments(&form, &fixed, &[file]), fixed);
    }
}
