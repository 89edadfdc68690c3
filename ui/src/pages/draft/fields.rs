//! Drawing a form's questions (GOV.UK patterns): a label and its hint, the
//! error above the input, one input per widget (dates as day, month and year
//! on a numeric keypad; choices as radios or a select; a lone checkbox; files
//! with a camera button on phones), questions shown and hidden by their
//! conditions, repeatable groups with "add" and "remove", and tags for what
//! was prefilled, what changed and what the agency asked to correct.
//!
//! Inputs are left to the browser while people type: the answer follows the
//! input, and the input follows the answer only when something else wrote it
//! (the prefill, a reset), so the caret never jumps.

use std::collections::BTreeSet;
use std::sync::Arc;

use hoso_domain::catalogue::RequiredDocument;
use hoso_domain::form::{Claims, FieldLayout, FormDefinition, Section, Widget};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::i18n::{pick, t};
use crate::model::attachment;
use crate::model::form::{
    Placed, Slot, absolute, answer_as_text, date_parts, dom_id, error_message, is_changed, is_prefilled, item_count,
    join_date, text_answer, tidy_text,
};
use crate::state::ctx;

/// A change people make to the answers; the screen applies it, saves and judges.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The answer at a pointer (`None` removes it).
    Answer(String, Option<Value>),
    /// The person left the question: its errors may show from now on.
    Left(String),
    AddItem {
        page: usize,
        section: usize,
    },
    RemoveItem {
        page: usize,
        section: usize,
        index: usize,
    },
}

/// Files of attachment questions: the procedure's documents and what to do
/// with a picked file.
#[derive(Clone, Copy)]
pub struct Files {
    pub documents: StoredValue<Vec<RequiredDocument>>,
    /// A file picked for (document, question pointer).
    pub on_pick: Callback<(String, String, web_sys::File)>,
    /// Remove the file of the question at this pointer.
    pub on_remove: Callback<String>,
    /// The question whose file is being read or stored.
    pub busy: RwSignal<Option<String>>,
    /// Why a picked file was refused, by question pointer.
    pub problems: RwSignal<Vec<(String, String)>>,
}

/// What drawing questions needs; cheap to clone.
#[derive(Clone)]
pub struct FormCtx {
    pub form: Arc<FormDefinition>,
    pub data: RwSignal<Value>,
    /// The errors to show beside questions (the screen chooses which).
    pub shown: Signal<Vec<Placed>>,
    pub claims: Option<Arc<Claims>>,
    /// Pointers of answers changed against the original (supplements).
    pub changed: Option<Memo<BTreeSet<String>>>,
    /// Pointers the agency asked to correct (supplements).
    pub requested: Arc<BTreeSet<String>>,
    pub edit: Callback<Edit>,
    pub files: Option<Files>,
}

/// Every question of layout page `page`.
#[component]
pub fn FormPage(cx: FormCtx, page: usize) -> impl IntoView {
    let data = cx.data;
    let form = cx.form.clone();
    let visible = {
        let form = form.clone();
        Memo::new(move |_| {
            data.with(|d| {
                crate::model::form::shown_slots(&form, page, d).into_iter().map(|s| s.pointer).collect::<BTreeSet<_>>()
            })
        })
    };
    let sections = form.layout.pages.get(page).map(|p| p.sections.clone()).unwrap_or_default();
    sections
        .into_iter()
        .enumerate()
        .map(|(s, section)| section_view(cx.clone(), page, s, Arc::new(section), visible))
        .collect_view()
}

fn section_view(cx: FormCtx, page: usize, s: usize, section: Arc<Section>, visible: Memo<BTreeSet<String>>) -> AnyView {
    let lang = ctx().lang;
    let data = cx.data;
    let form = cx.form.clone();
    let section_shown = {
        let section = section.clone();
        Memo::new(move |_| {
            data.with(|d| {
                crate::model::form::page_shown(&form, page, d) && section.visible_if.as_ref().is_none_or(|c| c.holds(d))
            })
        })
    };
    let title = section.title.clone();
    let Some(repeat) = section.repeat.clone() else {
        let fields = section
            .fields
            .iter()
            .enumerate()
            .map(|(f, field)| {
                let slot = Slot { page, section: s, field: f, item: None, pointer: field.pointer.clone() };
                question(cx.clone(), slot, Arc::new(field.clone()), visible)
            })
            .collect_view();
        return view! {
            <div class="form-section" hidden=move || !section_shown.get() data-section=section.id.clone()>
                {title.map(|title| view! { <h2 class="form-section__title">{move || pick(lang.get(), &title)}</h2> })}
                {fields}
            </div>
        }
        .into_any();
    };
    // Items are redrawn from the answers after a removal (the ones after it move up).
    let generation = RwSignal::new(0u32);
    let count = {
        let section = section.clone();
        Memo::new(move |_| data.with(|d| item_count(&section, d)))
    };
    let (min, max) = (usize::from(repeat.min_items), usize::from(repeat.max_items));
    let item_label = Arc::new(repeat.item_label.clone());
    let legend = title.clone().unwrap_or_else(|| repeat.item_label.clone());
    let edit = cx.edit;
    let items = {
        let section = section.clone();
        let item_label = item_label.clone();
        move |(_, i): (u32, usize)| {
            let fields = section
                .fields
                .iter()
                .enumerate()
                .map(|(f, field)| {
                    let slot =
                        Slot { page, section: s, field: f, item: Some(i), pointer: absolute(&section, field, Some(i)) };
                    question(cx.clone(), slot, Arc::new(field.clone()), visible)
                })
                .collect_view();
            let label = item_label.clone();
            let label_again = item_label.clone();
            view! {
                <div class="repeat__item" data-testid="repeat-item">
                    <h3 class="repeat__title">{move || format!("{} {}", pick(lang.get(), &label), i + 1)}</h3>
                    {fields}
                    <Show when=move || { count.get() > min }>
                        <button type="button" class="button button--secondary" data-testid="repeat-remove"
                            on:click=move |_| {
                                edit.run(Edit::RemoveItem { page, section: s, index: i });
                                generation.update(|g| *g += 1);
                            }>
                            {move || t(lang.get(), "form.repeat.remove")}
                            <span class="visually-hidden">{let label = label_again.clone(); move || format!(" {} {}", pick(lang.get(), &label), i + 1)}</span>
                        </button>
                    </Show>
                </div>
            }
        }
    };
    view! {
        <fieldset class="repeat" hidden=move || !section_shown.get() data-section=section.id.clone()>
            <legend class="repeat__legend">{move || pick(lang.get(), &legend)}</legend>
            <For each=move || { let g = generation.get(); (0..count.get()).map(|i| (g, i)).collect::<Vec<_>>() }
                key=|k| *k children=items />
            <Show when=move || { count.get() < max }>
                <button type="button" class="button button--secondary" data-testid="repeat-add"
                    on:click=move |_| edit.run(Edit::AddItem { page, section: s })>
                    {let label = item_label.clone(); move || t(lang.get(), "form.repeat.add").replace("{item}", &pick(lang.get(), &label).to_lowercase())}
                </button>
            </Show>
        </fieldset>
    }
    .into_any()
}

/// One question: label, hint, tags, error and input.
fn question(cx: FormCtx, slot: Slot, field: Arc<FieldLayout>, visible: Memo<BTreeSet<String>>) -> AnyView {
    let lang = ctx().lang;
    let data = cx.data;
    let pointer = slot.pointer.clone();
    let id = dom_id(&pointer);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let is_visible = {
        let pointer = pointer.clone();
        move || visible.with(|v| v.contains(&pointer))
    };
    let errors = {
        let pointer = pointer.clone();
        let shown = cx.shown;
        let files = cx.files;
        Memo::new(move |_| {
            let lang = lang.get();
            let mut messages: Vec<String> = shown.with(|all| {
                all.iter()
                    .filter(|p| p.slot.as_ref().is_some_and(|s| s.pointer == pointer))
                    .map(|p| error_message(lang, &p.error))
                    .collect()
            });
            if let Some(files) = files {
                files.problems.with(|problems| {
                    messages.extend(problems.iter().filter(|(p, _)| *p == pointer).map(|(_, m)| m.clone()));
                });
            }
            messages
        })
    };
    let has_error = move || errors.with(|e| !e.is_empty());
    let help = field.help.clone();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_help = help.is_some();
        move || {
            let mut ids = Vec::new();
            if has_help {
                ids.push(hint_id.clone());
            }
            if has_error() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let prefilled = {
        let (field, pointer, claims) = (field.clone(), pointer.clone(), cx.claims.clone());
        move || claims.as_ref().is_some_and(|c| data.with(|d| is_prefilled(&field, d.pointer(&pointer), c)))
    };
    let changed = {
        let (pointer, changed) = (pointer.clone(), cx.changed);
        move || changed.is_some_and(|m| m.with(|set| is_changed(set, &pointer)))
    };
    let requested = cx
        .requested
        .iter()
        .any(|r| r == &pointer || pointer.starts_with(&format!("{r}/")) || r.starts_with(&format!("{pointer}/")));
    let tags = view! {
        <Show when=prefilled.clone()>
            <strong class="tag tag--neutral" data-testid="tag-prefilled">{move || t(lang.get(), "form.tag.prefilled")}</strong>
        </Show>
        <Show when=changed.clone()>
            <strong class="tag tag--progress" data-testid="tag-changed">{move || t(lang.get(), "form.tag.changed")}</strong>
        </Show>
        {requested.then(|| view! {
            <strong class="tag tag--action" data-testid="tag-requested">{move || t(lang.get(), "form.tag.requested")}</strong>
        })}
    };
    let hint = help.map(|help| view! { <div class="hint" id=hint_id.clone()>{move || pick(lang.get(), &help)}</div> });
    let error = move || {
        let error_id = error_id.clone();
        has_error().then(move || {
            view! {
                <p class="error-message" id=error_id data-testid="field-error">
                    {move || errors.get().into_iter().map(|m| view! {
                        <span class="visually-hidden">{t(lang.get(), "form.error_prefix")} " "</span>{m}<br />
                    }).collect_view()}
                </p>
            }
        })
    };
    let label = field.label.clone();
    let label_text = move || pick(lang.get(), &label);
    let item_suffix = slot.item.map(|i| format!(" ({})", i + 1));
    let label_full = {
        let label_text = label_text.clone();
        move || format!("{}{}", label_text(), item_suffix.clone().unwrap_or_default())
    };
    let group_class = move || {
        let mut class = String::from("form-group");
        if has_error() {
            class.push_str(" form-group--error");
        }
        if changed() {
            class.push_str(" form-group--changed");
        }
        class
    };
    let edit = cx.edit;
    let answer = {
        let pointer = pointer.clone();
        move || data.with(|d| d.pointer(&pointer).cloned())
    };
    let invalid = move || has_error().then_some("true");
    let body = match field.widget.clone() {
        Widget::Radio { options } => {
            let radios = options
                .into_iter()
                .enumerate()
                .map(|(i, option)| {
                    let option_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                    let value = option.value.clone();
                    let checked = {
                        let answer = answer.clone();
                        let value = value.clone();
                        move || answer() == Some(Value::String(value.clone()))
                    };
                    let pointer = pointer.clone();
                    view! {
                        <div class="radio">
                            <input class="radio__input" type="radio" id=option_id.clone() name=id.clone() value=value.clone()
                                prop:checked=checked
                                on:change=move |_| {
                                    edit.run(Edit::Answer(pointer.clone(), Some(Value::String(value.clone()))));
                                    edit.run(Edit::Left(pointer.clone()));
                                } />
                            <label class="radio__label" for=option_id>{move || pick(lang.get(), &option.label)}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="fieldset" aria-describedby=described_by aria-invalid=invalid>
                    <legend class="fieldset__legend">{label_full} {tags}</legend>
                    {hint}
                    {error}
                    <div class="radios">{radios}</div>
                </fieldset>
            }
            .into_any()
        }
        Widget::Date => {
            let keys = ["form.date.day", "form.date.month", "form.date.year"];
            let inputs = (0..3)
                .map(|k| {
                    let input_id = if k == 0 { id.clone() } else { format!("{id}-{k}") };
                    let current = {
                        let answer = answer.clone();
                        move || date_parts(answer().as_ref())[k].clone()
                    };
                    let write = {
                        let (pointer, field, answer) = (pointer.clone(), field.clone(), answer.clone());
                        move |text: String, pad: bool| {
                            let mut parts = date_parts(answer().as_ref());
                            parts[k] = text;
                            let value = match join_date(&parts, pad) {
                                Some(date) => Some(Value::String(date)),
                                None => text_answer(&field, ""),
                            };
                            edit.run(Edit::Answer(pointer.clone(), value));
                        }
                    };
                    let write_again = write.clone();
                    let pointer = pointer.clone();
                    let autocomplete = field.prefill.is_some().then_some(["bday-day", "bday-month", "bday-year"][k]);
                    view! {
                        <div class=if k == 2 { "date-input__item date-input__item--year" } else { "date-input__item" }>
                            <label class="label date-input__label" for=input_id.clone()>{move || t(lang.get(), keys[k])}</label>
                            <input class="input date-input__input" id=input_id type="text" inputmode="numeric"
                                maxlength=if k == 2 { "4" } else { "2" } autocomplete=autocomplete
                                aria-invalid=invalid
                                prop:value=current
                                on:input=move |ev| write(event_target_value(&ev), false)
                                on:change=move |ev| {
                                    write_again(event_target_value(&ev), true);
                                    edit.run(Edit::Left(pointer.clone()));
                                } />
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="fieldset" role="group" aria-describedby=described_by>
                    <legend class="fieldset__legend">{label_full} {tags}</legend>
                    {hint}
                    {error}
                    <div class="date-input">{inputs}</div>
                </fieldset>
            }
            .into_any()
        }
        Widget::Checkbox => {
            let checked = {
                let answer = answer.clone();
                move || answer() == Some(Value::Bool(true))
            };
            view! {
                {hint}
                {error}
                <div class="checkbox">
                    <input class="checkbox__input" type="checkbox" id=id.clone() aria-describedby=described_by
                        aria-invalid=invalid prop:checked=checked
                        on:change=move |ev| {
                            edit.run(Edit::Answer(pointer.clone(), Some(Value::Bool(event_target_checked(&ev)))));
                            edit.run(Edit::Left(pointer.clone()));
                        } />
                    <label class="checkbox__label" for=id>{label_full} {tags}</label>
                </div>
            }
            .into_any()
        }
        Widget::Select { options } => {
            let current = {
                let answer = answer.clone();
                move || answer_as_text(answer().as_ref())
            };
            let choices = options
                .into_iter()
                .map(|option| {
                    let value = option.value.clone();
                    let current = current.clone();
                    let selected = move || current() == value;
                    view! { <option value=option.value.clone() prop:selected=selected>{move || pick(lang.get(), &option.label)}</option> }
                })
                .collect_view();
            let none_selected = {
                let current = current.clone();
                move || current().is_empty()
            };
            view! {
                <label class="label" for=id.clone()>{label_full} {tags}</label>
                {hint}
                {error}
                <select class="select" id=id aria-describedby=described_by aria-invalid=invalid
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let answer = (!value.is_empty()).then_some(Value::String(value));
                        edit.run(Edit::Answer(pointer.clone(), answer));
                        edit.run(Edit::Left(pointer.clone()));
                    }>
                    <option value="" prop:selected=none_selected>{move || t(lang.get(), "form.select.choose")}</option>
                    {choices}
                </select>
            }
            .into_any()
        }
        Widget::Attachment { document } => match cx.files {
            Some(files) => attachment_question(
                files,
                document,
                pointer.clone(),
                id.clone(),
                label_full.clone(),
                tags.into_any(),
                hint,
                error.into_any(),
                data,
            ),
            None => view! { <p class="label">{label_full}</p> }.into_any(),
        },
        widget => {
            let (kind, inputmode, autocomplete) = input_kind(&widget, &field);
            let multiline = matches!(widget, Widget::Textarea);
            let number = matches!(widget, Widget::Number);
            // A number is shown as typed: reformatting it while typing would move the caret.
            let initial = answer_as_text(answer().as_ref());
            let current = {
                let answer = answer.clone();
                move || answer_as_text(answer().as_ref())
            };
            let on_input = {
                let (pointer, field) = (pointer.clone(), field.clone());
                move |ev: leptos::ev::Event| {
                    edit.run(Edit::Answer(pointer.clone(), text_answer(&field, &event_target_value(&ev))))
                }
            };
            let on_change = {
                let (pointer, field) = (pointer.clone(), field.clone());
                move |ev: leptos::ev::Event| {
                    let tidy = tidy_text(&field.widget, &event_target_value(&ev));
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        && !number
                    {
                        input.set_value(&tidy);
                    }
                    edit.run(Edit::Answer(pointer.clone(), text_answer(&field, &tidy)));
                    edit.run(Edit::Left(pointer.clone()));
                }
            };
            let spellcheck = matches!(widget, Widget::CitizenId | Widget::TaxCode | Widget::Email | Widget::Phone)
                .then_some("false");
            let input = if multiline {
                view! {
                    <textarea class="textarea" id=id.clone() rows="4" aria-describedby=described_by aria-invalid=invalid
                        autocomplete=autocomplete prop:value=current on:input=on_input on:change=on_change></textarea>
                }
                .into_any()
            } else if number {
                view! {
                    <input class="input input--number" id=id.clone() type="text" inputmode="decimal"
                        aria-describedby=described_by aria-invalid=invalid value=initial
                        on:input=on_input on:change=on_change />
                }
                .into_any()
            } else {
                view! {
                    <input class=format!("input input--{}", kind) id=id.clone() type=kind inputmode=inputmode
                        autocomplete=autocomplete spellcheck=spellcheck
                        aria-describedby=described_by aria-invalid=invalid
                        prop:value=current on:input=on_input on:change=on_change />
                }
                .into_any()
            };
            view! {
                <label class="label" for=id>{label_full} {tags}</label>
                {hint}
                {error}
                {input}
            }
            .into_any()
        }
    };
    view! {
        <div class=group_class hidden=move || !is_visible() data-testid="question" data-pointer=slot.pointer.clone()>
            {body}
        </div>
    }
    .into_any()
}

/// The input's `type`, `inputmode` and `autocomplete` for a text-like widget
/// (autocomplete only for the person's own answers, those filled from their identity).
fn input_kind(widget: &Widget, field: &FieldLayout) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    use hoso_domain::form::PrefillClaim;
    let own = |claim: PrefillClaim, token: &'static str| (field.prefill == Some(claim)).then_some(token);
    match widget {
        Widget::Email => ("email", None, own(PrefillClaim::Email, "email")),
        Widget::Phone => ("tel", None, own(PrefillClaim::Phone, "tel")),
        Widget::CitizenId | Widget::TaxCode => ("text", Some("numeric"), None),
        _ => {
            let token = match field.prefill {
                Some(PrefillClaim::FullName) => Some("name"),
                Some(PrefillClaim::Address) => Some("street-address"),
                _ => None,
            };
            ("text", None, token)
        }
    }
}

/// An attachment question: the file held, "remove", and the pickers (a file,
/// or on phones the camera when the document takes images).
#[allow(clippy::too_many_arguments)]
fn attachment_question(
    files: Files,
    document: String,
    pointer: String,
    id: String,
    label: impl Fn() -> String + Clone + Send + Sync + 'static,
    tags: AnyView,
    hint: Option<impl IntoView + 'static>,
    error: AnyView,
    data: RwSignal<Value>,
) -> AnyView {
    let lang = ctx().lang;
    let doc = files.documents.with_value(|docs| docs.iter().find(|d| d.id == document).cloned());
    let Some(doc) = doc else {
        return view! { <p class="label">{label}</p> }.into_any();
    };
    let accept = attachment::accept(&doc);
    let camera = attachment::camera_accept(&doc);
    let limits = {
        let doc = doc.clone();
        move || {
            t(lang.get(), "form.file.limits")
                .replace("{types}", &attachment::type_names(&doc))
                .replace("{size}", &attachment::size_text(lang.get(), doc.max_bytes))
        }
    };
    let held = {
        let pointer = pointer.clone();
        move || data.with(|d| d.pointer(&pointer).and_then(Value::as_object).cloned())
    };
    let busy = {
        let pointer = pointer.clone();
        move || files.busy.with(|b| b.as_deref() == Some(pointer.as_str()))
    };
    let pick_handler = {
        let (document, pointer) = (document.clone(), pointer.clone());
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            if let Some(file) = input.files().and_then(|list| list.get(0)) {
                files.on_pick.run((document.clone(), pointer.clone(), file));
            }
            // The same file can be picked again after a refusal.
            input.set_value("");
        }
    };
    let camera_input = camera.map(|camera| {
        let camera_id = format!("{id}-camera");
        let pick = pick_handler.clone();
        view! {
            <input class="file-picker__input" type="file" id=camera_id.clone() accept=camera capture="environment"
                data-testid="file-camera" on:change=pick />
            <label class="button button--secondary file-picker" for=camera_id>
                {move || t(lang.get(), "form.file.camera")}
            </label>
        }
    });
    let remove = {
        let pointer = pointer.clone();
        move |_| files.on_remove.run(pointer.clone())
    };
    view! {
        <p class="label" id=format!("{id}-label")>{label} {tags}</p>
        {hint}
        <div class="hint">{limits}</div>
        {error}
        {let held = held.clone(); move || held().map(|file| {
            let name = file.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let size = file.get("bytes").and_then(Value::as_u64).unwrap_or_default();
            let remove = remove.clone();
            let name_again = name.clone();
            view! {
                <div class="file-held" data-testid="file-held">
                    <span class="file-held__name">{name}</span>
                    " "<span class="file-held__size">{attachment::size_text(lang.get(), size)}</span>
                    <button type="button" class="link-button" data-testid="file-remove" on:click=remove>
                        {move || t(lang.get(), "form.file.remove")}
                        <span class="visually-hidden">{format!(" {name_again}")}</span>
                    </button>
                </div>
            }
        })}
        <Show when=busy.clone()>
            <p class="file-busy" role="status">{move || t(lang.get(), "form.file.busy")}</p>
        </Show>
        <div class="file-pickers">
            <input class="file-picker__input" type="file" id=id.clone() accept=accept
                aria-describedby=format!("{id}-label") data-testid="file-input" on:change=pick_handler />
            <label class="button button--secondary file-picker" for=id.clone()>
                {move || if held().is_some() { t(lang.get(), "form.file.replace") } else { t(lang.get(), "form.file.choose") }}
            </label>
            {camera_input}
        </div>
    }
    .into_any()
}
