//! JSON Lines tables: one JSON object a line, read as blocks of whole lines
//! ([`LineBlocks`]) that the workers parse ([`parse_line`]), reading only the wanted members
//! of each object, in place where they can.

use std::io::Read;

use encoding_rs::Encoding;

use super::{cannot_read, positions, Batch, Columns, Hashing, Row, TableReport};
use crate::error::InputError;
use crate::ingest::text_reader::TextReader;
use crate::ingest::walk::{Skipped, SourceFile};

/// A JSON Lines file read as blocks of whole lines ([`Batch::Lines`]), each block read,
/// hashed, decoded ([`TextReader`]) and cut when asked for: by the reader of
/// [`super::read_rows`], or by the workers in turn, each taking the next block under a
/// lock and parsing it after letting go.
pub(crate) struct LineBlocks {
    file: TextReader<Hashing<Box<dyn Read + Send>>>,
    path: std::path::PathBuf,
    /// The bytes read after the last whole line of the block before.
    carry: Vec<u8>,
    /// The number of the next block's first line.
    first_line: usize,
    block_bytes: usize,
    /// The file's end has been read.
    ended: bool,
    /// The columns are known to be there (checked on the first object, as a header).
    checked: bool,
    columns: Columns,
    source: SourceFile,
}

impl LineBlocks {
    /// Opens `file`, decoded as [`TextReader`] says (`encoding` is `--encoding`); blocks are
    /// about `block_bytes` long.
    pub(crate) fn open(
        file: &SourceFile,
        columns: &Columns,
        encoding: Option<&'static Encoding>,
        block_bytes: usize,
    ) -> Result<LineBlocks, InputError> {
        let open = crate::ingest::compressed::open(&file.path).map_err(|e| cannot_read(file, e))?;
        Ok(LineBlocks::from_reader(
            file,
            columns,
            encoding,
            block_bytes,
            Hashing::new(open),
        ))
    }

    /// The blocks of the bytes `input` gives (the file's, or a test's).
    pub(crate) fn from_reader(
        file: &SourceFile,
        columns: &Columns,
        encoding: Option<&'static Encoding>,
        block_bytes: usize,
        input: Hashing<Box<dyn Read + Send>>,
    ) -> LineBlocks {
        LineBlocks {
            file: TextReader::new(input, encoding),
            path: file.path.clone(),
            carry: Vec::new(),
            first_line: 1,
            block_bytes: block_bytes.max(1),
            ended: false,
            checked: false,
            columns: columns.clone(),
            source: file.clone(),
        }
    }

    fn unreadable(&self, e: std::io::Error) -> InputError {
        super::error(&self.path, format!("cannot be read: {e}"))
    }

    /// The next block of whole lines, `None` at the end of the file. A missing column (seen
    /// in the first JSON object) or a read error is an error.
    pub(crate) fn next_block(&mut self) -> Result<Option<Batch>, InputError> {
        if self.ended && self.carry.is_empty() {
            return Ok(None);
        }
        let mut block = Vec::with_capacity(self.block_bytes + self.carry.len() + 4096);
        block.append(&mut self.carry);
        // Fill the block, then on to the end of its last line.
        let end = loop {
            if self.ended {
                break None;
            }
            let want = (self.block_bytes.saturating_sub(block.len())).max(4096) as u64;
            let from = block.len();
            let n = (&mut self.file)
                .take(want)
                .read_to_end(&mut block)
                .map_err(|e| self.unreadable(e))?;
            if n == 0 {
                self.ended = true;
                break None;
            }
            if block.len() >= self.block_bytes {
                if let Some(i) = memchr::memrchr(b'\n', &block[from..]) {
                    break Some(from + i + 1);
                }
            }
        };
        if let Some(end) = end {
            self.carry.extend_from_slice(&block[end..]);
            block.truncate(end);
        }
        if block.is_empty() {
            return Ok(None);
        }
        if !self.checked {
            // The first object names the columns, as a CSV header would.
            let first = block
                .split(|&b| b == b'\n')
                .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
                .find_map(|v| match v {
                    serde_json::Value::Object(map) => Some(map),
                    _ => None,
                });
            if let Some(map) = first {
                let keys: Vec<String> = map.keys().cloned().collect();
                positions(&self.source, &keys, &self.columns)?;
                self.checked = true;
            }
        }
        let lines =
            memchr::memchr_iter(b'\n', &block).count() + usize::from(!block.ends_with(b"\n"));
        let first_line = self.first_line;
        self.first_line += lines;
        Ok(Some(Batch::Lines {
            first_line,
            bytes: block,
            replaced: self.file.replaced() > 0,
        }))
    }

    /// What was read when reading stopped before the end: lines and bytes, no hash.
    pub(crate) fn stop(self) -> TableReport {
        TableReport {
            rows: self.first_line - 1,
            bytes: self.file.inner().bytes,
            encoding: self.file.encoding().name(),
            replaced: self.file.replaced(),
            ..TableReport::default()
        }
    }

    /// Lines, size and SHA-256 of the whole file, once every block has been taken.
    pub(crate) fn finish(self) -> Result<TableReport, InputError> {
        let report = TableReport {
            rows: self.first_line - 1,
            encoding: self.file.encoding().name(),
            replaced: self.file.replaced(),
            ..TableReport::default()
        };
        self.file.into_inner().finish(&self.source, false, report)
    }
}

/// Line `number` of a JSON Lines file as a [`Row`]: the wanted members of its object, read
/// in place (a string without escapes is not copied until it becomes the row's), every other
/// member skipped unread. A member holding a number or `true`/`false` is read as its text;
/// `null`, an array or an object as missing. Of repeated members the last counts.
pub(crate) fn parse_line(
    file: &SourceFile,
    number: usize,
    line: &[u8],
    wanted: &Wanted,
) -> Result<Row, Skipped> {
    use serde::de::DeserializeSeed;
    let skip = |reason: String| Skipped {
        path: format!("{}#line{number}", file.name),
        reason,
    };
    let text = std::str::from_utf8(line).map_err(|e| skip(format!("not UTF-8 text: {e}")))?;
    let mut json = serde_json::Deserializer::from_str(text);
    let cells = wanted
        .deserialize(&mut json)
        .and_then(|cells| json.end().map(|()| cells))
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => skip("not a JSON object".into()),
            _ => skip(format!("not valid JSON: {e}")),
        })?;
    let owned = |c: Option<std::borrow::Cow<str>>| c.map(std::borrow::Cow::into_owned);
    Ok(Row {
        number,
        id: owned(cells.id).filter(|s| !s.is_empty()),
        title: owned(cells.title).filter(|s| !s.is_empty()),
        date: owned(cells.date).filter(|s| !s.trim().is_empty()),
        text: owned(cells.text).unwrap_or_default(),
        replaced: 0,
    })
}

/// The members of a JSON Lines object that are read: the columns' names.
pub(crate) struct Wanted<'c> {
    text: &'c str,
    date: &'c str,
    id: &'c str,
    title: &'c str,
}

impl<'c> Wanted<'c> {
    pub(crate) fn new(columns: &'c Columns) -> Wanted<'c> {
        Wanted {
            text: &columns.text,
            date: &columns.date,
            id: columns.id.as_deref().unwrap_or("id"),
            title: columns.title.as_deref().unwrap_or("title"),
        }
    }
}

/// The wanted members of one object, as text (see [`parse_line`]).
#[derive(Default)]
pub(crate) struct Cells<'a> {
    text: Option<std::borrow::Cow<'a, str>>,
    date: Option<std::borrow::Cow<'a, str>>,
    id: Option<std::borrow::Cow<'a, str>>,
    title: Option<std::borrow::Cow<'a, str>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for &Wanted<'_> {
    type Value = Cells<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Cells<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &Wanted<'_> {
    type Value = Cells<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Cells<'de>, A::Error> {
        let mut cells = Cells::default();
        while let Some(Text(key)) = map.next_key::<Text>()? {
            let key = key.as_deref().unwrap_or("");
            let hits = [
                key == self.text,
                key == self.date,
                key == self.id,
                key == self.title,
            ];
            if !hits.contains(&true) {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            let Text(value) = map.next_value::<Text>()?;
            let slots = [
                &mut cells.text,
                &mut cells.date,
                &mut cells.id,
                &mut cells.title,
            ];
            for (slot, hit) in slots.into_iter().zip(hits) {
                if hit {
                    *slot = value.clone();
                }
            }
        }
        Ok(cells)
    }
}

/// A JSON value as text, borrowed from the line where it can be: a string as it is, a
/// number or boolean as serde_json writes it, anything else `None`.
struct Text<'a>(Option<std::borrow::Cow<'a, str>>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.into())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.into())))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
        Ok(Text(
            serde_json::Number::from_f64(v).map(|n| n.to_string().into()),
        ))
    }
    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Text(None))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{file, read};
    use super::super::*;
    use crate::ingest::date::DateOrder;

    #[test]
    fn json_lines_with_numbers_bad_lines_and_bad_dates() {
        let d = tempfile::tempdir().unwrap();
        let f = file(
            d.path(),
            "c.jsonl",
            "{\"id\": 7, \"date\": \"16/10/2003\", \"text\": \"hello there\"}\n\n\
             not json\n[1]\n{\"id\": 8, \"date\": \"yesterday\", \"text\": \"bye\"}\n",
        );
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        assert_eq!(rows.len(), 2);
        let skipped: Vec<_> = report.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["c.jsonl#line3", "c.jsonl#line4"]);
        let (doc, bad) = to_document(&f, rows[0].clone(), DateOrder::DayFirst);
        assert_eq!(doc.info.name, "c.jsonl#7");
        assert_eq!(doc.info.date.unwrap().to_string(), "2003-10-16");
        assert_eq!(doc.info.title, "hello there");
        assert_eq!(bad, None);
        let (doc, bad) = to_document(&f, rows[1].clone(), DateOrder::DayFirst);
        assert_eq!((doc.info.date, bad.as_deref()), (None, Some("yesterday")));
    }

    #[test]
    fn json_lines_blocks_keep_every_line_and_its_number() {
        let d = tempfile::tempdir().unwrap();
        // A byte-order mark, Windows line ends, blank lines, a byte not valid in UTF-8 (the
        // mark says UTF-8: it becomes U+FFFD, counted in its row), escaped
        // and repeated members, a member wanted twice (id and title from one column), values
        // that are not text, and no line break at the end; blocks of 16 bytes are far
        // shorter than a line.
        let mut body =
            "\u{feff}{\"text\": \"first \\\"quoted\\\" row\", \"date\": 2003}\r\n\r\n".to_string();
        body.push_str(
            "{\"text\": \"a\", \"text\": \"second\", \"date\": null, \"x\": {\"y\": [1, 2]}}\n",
        );
        let mut bytes = body.into_bytes();
        bytes.extend_from_slice(b"{\"text\": \"caf\xE9\"}\n");
        bytes.extend_from_slice("{\"text\": \"fourth\", \"date\": 1.5, \"id\": true}".as_bytes());
        let path = d.path().join("b.jsonl");
        std::fs::write(&path, &bytes).unwrap();
        let f = SourceFile {
            path,
            name: "b.jsonl".into(),
        };
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        let got: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {:?} {:?} {}",
                    r.number, r.text, r.date, r.id, r.replaced
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "1 first \"quoted\" row Some(\"2003\") None 0",
                "3 second None None 0",
                "4 caf\u{FFFD} None None 1",
                "5 fourth Some(\"1.5\") Some(\"true\") 0",
            ]
        );
        assert!(report.skipped.is_empty());
        assert_eq!((report.encoding, report.replaced), ("UTF-8", 1));
        assert_eq!(report.rows, 5, "lines read, blank ones too");
        assert_eq!(report.bytes, bytes.len() as u64);
        use sha2::Digest;
        assert_eq!(report.sha256, format!("{:x}", Sha256::digest(&bytes)));
        // The same column for two roles: each gets the value.
        let both = Columns {
            id: Some("text".into()),
            ..Columns::default()
        };
        let (rows, _) = read(&f, &both).unwrap();
        assert_eq!(rows[1].id.as_deref(), Some("second"));
    }
}
