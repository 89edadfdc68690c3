//! Reading a page of the changes feed as its bytes arrive: the page is one
//! JSON object (`Changes`: `changes`, `next`, `more`, in any order), and the
//! reader hands out each entry of `changes` as soon as its closing brace has
//! arrived, so the sync can write the first entries of a large page while the
//! rest is still on its way over a slow link. Only the structure is scanned
//! here (strings, nesting, where a value ends); each entry and each other
//! value is parsed by serde_json, exactly as a whole-page parse would.

use hoso_protocol::api::dossier::{Cursor, DossierChange};

/// The page is not the JSON the contract describes.
#[derive(Debug, thiserror::Error)]
#[error("the changes page is malformed: {0}")]
pub struct MalformedPage(String);

/// Where the reader stands in the page's object.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Before the opening brace.
    Open,
    /// Before a key, a comma between members, or the closing brace.
    Key,
    /// After a key, before its colon.
    Colon(String),
    /// After `"changes":`, before its opening bracket.
    ArrayOpen,
    /// Inside `changes`: before an entry, a comma or the closing bracket.
    Entries,
    /// After the colon of any other member, before its value.
    Value(String),
    /// After the closing brace: only whitespace may follow.
    Done,
}

/// A page being read; feed it bytes as they come, then [`PageReader::finish`].
#[derive(Debug)]
pub struct PageReader {
    buffer: Vec<u8>,
    /// How much of `buffer` is read.
    at: usize,
    state: State,
    next: Option<Cursor>,
    more: Option<bool>,
    saw_changes: bool,
}

impl Default for PageReader {
    fn default() -> Self {
        Self { buffer: Vec::new(), at: 0, state: State::Open, next: None, more: None, saw_changes: false }
    }
}

impl PageReader {
    /// Takes the next bytes of the page and appends every entry they
    /// complete to `entries`, in the page's order.
    pub fn feed(&mut self, bytes: &[u8], entries: &mut Vec<DossierChange>) -> Result<(), MalformedPage> {
        // Drop what was read, so the buffer holds at most one unfinished value.
        if self.at > 0 {
            self.buffer.drain(..self.at);
            self.at = 0;
        }
        self.buffer.extend_from_slice(bytes);
        while self.step(entries)? {}
        Ok(())
    }

    /// The page's `next` and `more`, once all of it was fed.
    pub fn finish(self) -> Result<(Cursor, bool), MalformedPage> {
        if self.state != State::Done {
            return Err(MalformedPage("the page ended early".into()));
        }
        match (self.saw_changes, self.next, self.more) {
            (true, Some(next), Some(more)) => Ok((next, more)),
            _ => Err(MalformedPage("`changes`, `next` or `more` is missing".into())),
        }
    }

    /// One step of the scan; false when more bytes are needed.
    fn step(&mut self, entries: &mut Vec<DossierChange>) -> Result<bool, MalformedPage> {
        let bytes = &self.buffer;
        let Some(start) = (self.at..bytes.len()).find(|&i| !bytes[i].is_ascii_whitespace()) else {
            self.at = bytes.len();
            return Ok(false);
        };
        self.at = start;
        let byte = bytes[start];
        let unexpected =
            |what: &str| MalformedPage(format!("{what} expected at byte {start}, found {:?}", byte as char));
        match std::mem::replace(&mut self.state, State::Done) {
            State::Open if byte == b'{' => {
                self.at += 1;
                self.state = State::Key;
            }
            State::Open => return Err(unexpected("`{`")),
            State::Key if byte == b'}' => {
                self.at += 1;
                self.state = State::Done;
            }
            State::Key if byte == b',' => {
                self.at += 1;
                self.state = State::Key;
            }
            State::Key if byte == b'"' => {
                let Some(end) = string_end(bytes, start) else {
                    self.state = State::Key;
                    return Ok(false);
                };
                let key: String = parse(&bytes[start..end])?;
                self.at = end;
                self.state = State::Colon(key);
            }
            State::Key => return Err(unexpected("a key")),
            State::Colon(key) if byte == b':' => {
                self.at += 1;
                self.state = if key == "changes" { State::ArrayOpen } else { State::Value(key) };
            }
            State::Colon(_) => return Err(unexpected("`:`")),
            State::ArrayOpen if byte == b'[' => {
                self.at += 1;
                self.state = State::Entries;
            }
            State::ArrayOpen => return Err(unexpected("`[`")),
            State::Entries if byte == b']' => {
                self.at += 1;
                self.saw_changes = true;
                self.state = State::Key;
            }
            State::Entries if byte == b',' => {
                self.at += 1;
                self.state = State::Entries;
            }
            State::Entries => {
                self.state = State::Entries;
                let Some(end) = value_end(bytes, start)? else { return Ok(false) };
                entries.push(parse(&bytes[start..end])?);
                self.at = end;
            }
            State::Value(key) => {
                let Some(end) = value_end(bytes, start)? else {
                    self.state = State::Value(key);
                    return Ok(false);
                };
                let raw = &bytes[start..end];
                match key.as_str() {
                    "next" => self.next = Some(parse(raw)?),
                    "more" => self.more = Some(parse(raw)?),
                    // A member this engine does not know yet is skipped, as
                    // serde skips unknown fields of the whole page.
                    _ => {}
                }
                self.at = end;
                self.state = State::Key;
            }
            State::Done => return Err(unexpected("the end of the page")),
        }
        Ok(true)
    }
}

fn parse<T: serde::de::DeserializeOwned>(raw: &[u8]) -> Result<T, MalformedPage> {
    serde_json::from_slice(raw).map_err(|e| MalformedPage(e.to_string()))
}

/// The index just past the string that opens at `start` (a `"`), if it has
/// arrived whole.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index just past the JSON value that starts at `start`, if it has
/// arrived whole. A number or literal is whole only once a byte after it has
/// arrived, since more digits could follow.
fn value_end(bytes: &[u8], start: usize) -> Result<Option<usize>, MalformedPage> {
    match bytes[start] {
        b'"' => Ok(string_end(bytes, start)),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => match string_end(bytes, i) {
                        Some(end) => {
                            i = end;
                            continue;
                        }
                        None => return Ok(None),
                    },
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1).ok_or_else(|| MalformedPage("unbalanced brackets".into()))?;
                        if depth == 0 {
                            return Ok(Some(i + 1));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Ok(None)
        }
        b'}' | b']' | b',' | b':' => Err(MalformedPage(format!("a value expected at byte {start}"))),
        _ => {
            Ok((start..bytes.len()).find(|&i| matches!(bytes[i], b',' | b'}' | b']') || bytes[i].is_ascii_whitespace()))
        }
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::dossier::DossierStatus;
    use hoso_domain::profile::ActingAs;
    use hoso_protocol::api::dossier::{Changes, DossierSummary};
    use time::macros::datetime;

    use super::*;

    fn change(cursor: Cursor, client_id: &str) -> DossierChange {
        DossierChange {
            cursor,
            dossier: DossierSummary {
                code: format!("H01.22-260302-{cursor:06}"),
                client_id: client_id.into(),
                procedure: hoso_domain::catalogue::ProcedureCode::parse("1.001193").unwrap(),
                acting_as: ActingAs::Myself,
                status: DossierStatus::Submitted,
                submitted_at: datetime!(2026-03-02 09:00 UTC),
                updated_at: datetime!(2026-03-02 09:00 UTC),
                due_on: None,
            },
        }
    }

    fn page() -> Changes {
        // A client id with quotes, braces and an escape, so the scan must
        // tell a string's brackets from the structure's.
        Changes { changes: vec![change(3, "a\"{[}]\\\"x"), change(7, "b"), change(12, "c")], next: 12, more: true }
    }

    fn read_in_pieces(document: &[u8], piece: usize) -> Result<(Vec<DossierChange>, Cursor, bool), MalformedPage> {
        let mut reader = PageReader::default();
        let mut entries = Vec::new();
        for bytes in document.chunks(piece) {
            reader.feed(bytes, &mut entries)?;
        }
        let (next, more) = reader.finish()?;
        Ok((entries, next, more))
    }

    #[test]
    fn a_page_read_in_pieces_of_any_size_is_the_page_parsed_whole() {
        let page = page();
        let document = serde_json::to_vec(&page).unwrap();
        for piece in [1, 2, 3, 7, 64, document.len()] {
            let (entries, next, more) = read_in_pieces(&document, piece).unwrap();
            assert_eq!((entries, next, more), (page.changes.clone(), page.next, page.more), "pieces of {piece}");
        }
    }

    #[test]
    fn entries_are_handed_out_as_soon_as_they_have_arrived() {
        let page = page();
        let document = serde_json::to_vec(&page).unwrap();
        let first = serde_json::to_vec(&page.changes[0]).unwrap();
        let end_of_first = document.windows(first.len()).position(|w| w == first.as_slice()).unwrap() + first.len();
        let mut reader = PageReader::default();
        let mut entries = Vec::new();
        reader.feed(&document[..end_of_first], &mut entries).unwrap();
        assert_eq!(entries, vec![page.changes[0].clone()]);
    }

    #[test]
    fn members_in_another_order_with_whitespace_and_unknown_members_read_alike() {
        let document = br#" { "more" : false , "extra": {"a": [1, "]"]}, "next" : 7 ,
            "changes" : [ ] } "#;
        let (entries, next, more) = read_in_pieces(document, 5).unwrap();
        assert_eq!((entries.len(), next, more), (0, 7, false));
    }

    #[test]
    fn a_cut_off_or_malformed_page_is_refused() {
        let document = serde_json::to_vec(&page()).unwrap();
        assert!(read_in_pieces(&document[..document.len() - 1], 16).is_err(), "cut off");
        assert!(read_in_pieces(br#"{"changes":[],"next":1}"#, 4).is_err(), "no `more`");
        assert!(read_in_pieces(br#"["changes"]"#, 4).is_err(), "not an object");
        assert!(read_in_pieces(br#"{"changes":[{"cursor":"x"}],"next":1,"more":false}"#, 4).is_err(), "bad entry");
        assert!(read_in_pieces(br#"{"changes":[],"next":1,"more":false} {"#, 4).is_err(), "trailing bytes");
    }
}
