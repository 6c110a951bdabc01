//! A table file (CSV, TSV, JSON Lines) as a stream of UTF-8 text, whatever its encoding, so
//! that a table larger than memory is decoded as it is read, by the same rules as a text
//! file ([`super::decode`]): `--encoding` when given (a byte-order mark of that encoding is
//! skipped), else a byte-order mark (UTF-8, UTF-16LE/BE), else UTF-8, else a legacy encoding
//! guessed by chardetng.
//!
//! UTF-8 (the common case) is handed out as read, straight into the caller's buffer, checked
//! but not copied. At the first invalid byte the encoding is decided from what has been read
//! and the next [`LOOK_AHEAD`] bytes (the whole file cannot be looked at first: it is read
//! once, as a stream): UTF-8 with the bad bytes replaced when those bytes hold at least as
//! many valid multi-byte UTF-8 sequences as invalid ones, else chardetng's guess from the
//! bytes ahead. The text handed out before was valid UTF-8 with fewer multi-byte sequences
//! than the invalid ones ahead, in practice ASCII, which reads the same in any legacy
//! encoding chardetng gives.

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8};

use super::decode::{self, Census};

/// Bytes read past a table's first invalid UTF-8 byte to decide its encoding.
const LOOK_AHEAD: usize = 1 << 20;

/// Bytes decoded at a time, when the file is not read as UTF-8 as it is.
const BLOCK: usize = 1 << 20;

/// How the bytes are being read.
enum Mode {
    /// Nothing read yet: a byte-order mark may come.
    Start,
    /// UTF-8, handed out as read; `detect`: an invalid byte may mean another encoding (no
    /// byte-order mark and no `--encoding` said UTF-8).
    Utf8 { detect: bool },
    /// Decoded with encoding_rs (another encoding, or UTF-8 with invalid bytes replaced).
    Decode(Decoder),
}

/// Reads the UTF-8 text of the bytes `inner` gives; see the module's doc.
pub(crate) struct TextReader<R> {
    inner: R,
    forced: Option<&'static Encoding>,
    mode: Mode,
    encoding: &'static Encoding,
    /// Bytes to hand out before the next read in UTF-8 mode: a character cut by the end of
    /// the last read, or what followed a byte-order mark.
    held: [u8; 4],
    held_len: usize,
    /// Bytes read but not yet decoded, from `raw_at`.
    raw: Vec<u8>,
    raw_at: usize,
    /// Decoded text not yet handed out, from `ready_at`.
    ready: Vec<u8>,
    ready_at: usize,
    /// Valid multi-byte sequences handed out before the first invalid byte.
    census: Census,
    /// `inner` is at its end.
    ended: bool,
    /// The decoder has been told the input ended.
    flushed: bool,
    replaced: u64,
}

impl<R: Read> TextReader<R> {
    /// A reader of `inner`'s text; `forced` is `--encoding`.
    pub(crate) fn new(inner: R, forced: Option<&'static Encoding>) -> TextReader<R> {
        TextReader {
            inner,
            forced,
            mode: Mode::Start,
            encoding: UTF_8,
            held: [0; 4],
            held_len: 0,
            raw: Vec::new(),
            raw_at: 0,
            ready: Vec::new(),
            ready_at: 0,
            census: Census::default(),
            ended: false,
            flushed: false,
            replaced: 0,
        }
    }

    /// The encoding the text is read in (so far: UTF-8 until an invalid byte says otherwise).
    pub(crate) fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Byte sequences that were not valid in the encoding and became U+FFFD, so far.
    pub(crate) fn replaced(&self) -> u64 {
        self.replaced
    }

    pub(crate) fn inner(&self) -> &R {
        &self.inner
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    /// Reads into `buf` until it is full or the input ends.
    fn fill(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(filled)
    }

    /// Reads the first bytes and chooses the mode.
    fn start(&mut self) -> io::Result<()> {
        let mut head = [0u8; 3];
        let got = self.fill(&mut head)?;
        let head = &head[..got];
        let bom = Encoding::for_bom(head);
        let (encoding, skip) = match (self.forced, bom) {
            (Some(forced), Some((e, len))) if e == forced => (forced, len),
            (Some(forced), _) => (forced, 0),
            (None, Some((e, len))) => (e, len),
            (None, None) => (UTF_8, 0),
        };
        self.encoding = encoding;
        let rest = &head[skip..];
        if encoding == UTF_8 {
            self.held[..rest.len()].copy_from_slice(rest);
            self.held_len = rest.len();
            self.mode = Mode::Utf8 {
                detect: self.forced.is_none() && bom.is_none(),
            };
        } else {
            self.raw = rest.to_vec();
            self.mode = Mode::Decode(encoding.new_decoder_without_bom_handling());
        }
        Ok(())
    }

    /// UTF-8 mode: reads into `buf` (at least 8 bytes) and hands out the valid text read, up
    /// to a character cut by the end of the read. At an invalid byte the encoding is decided
    /// ([`TextReader::decide`]) and the bytes from there on are decoded.
    fn read_utf8(&mut self, buf: &mut [u8], detect: bool) -> io::Result<usize> {
        let held = self.held_len;
        buf[..held].copy_from_slice(&self.held[..held]);
        self.held_len = 0;
        let n = loop {
            match self.inner.read(&mut buf[held..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.ended |= n == 0;
        let filled = held + n;
        match simdutf8::compat::from_utf8(&buf[..filled]) {
            Ok(_) => {
                self.census.add_valid(&buf[..filled]);
                Ok(filled)
            }
            Err(e) => {
                let valid = e.valid_up_to();
                self.census.add_valid(&buf[..valid]);
                if e.error_len().is_none() && !self.ended {
                    let cut = filled - valid;
                    self.held[..cut].copy_from_slice(&buf[valid..filled]);
                    self.held_len = cut;
                } else {
                    self.raw = buf[valid..filled].to_vec();
                    self.raw_at = 0;
                    self.decide(detect)?;
                }
                Ok(valid)
            }
        }
    }

    /// At the first invalid byte (the start of `raw`): UTF-8 with replacements, or the
    /// encoding chardetng guesses (see the module's doc).
    fn decide(&mut self, detect: bool) -> io::Result<()> {
        let have = self.raw.len();
        if !self.ended && have < LOOK_AHEAD {
            self.raw.resize(LOOK_AHEAD, 0);
            let mut ahead = std::mem::take(&mut self.raw);
            let n = self.fill(&mut ahead[have..])?;
            ahead.truncate(have + n);
            self.raw = ahead;
        }
        let mut ahead = Census::default();
        ahead.feed(&self.raw, self.ended);
        ahead.multibyte += self.census.multibyte;
        self.encoding = if !detect || ahead.mostly_utf8() {
            UTF_8
        } else {
            decode::guess(&self.raw, self.ended)
        };
        self.mode = Mode::Decode(self.encoding.new_decoder_without_bom_handling());
        Ok(())
    }

    /// Decodes the next block into `ready`; false when all is decoded.
    fn decode_more(&mut self) -> io::Result<bool> {
        if self.flushed {
            return Ok(false);
        }
        if self.raw_at == self.raw.len() && !self.ended {
            self.raw.resize(BLOCK, 0);
            let mut raw = std::mem::take(&mut self.raw);
            let n = self.fill(&mut raw)?;
            raw.truncate(n);
            self.raw = raw;
            self.raw_at = 0;
        }
        let Mode::Decode(decoder) = &mut self.mode else {
            unreachable!("decoding only in Decode mode")
        };
        let src = &self.raw[self.raw_at..];
        let last = self.ended;
        let room = decoder
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len() * 3 + 16);
        self.ready.clear();
        self.ready.resize(room.max(16), 0);
        self.ready_at = 0;
        let (_, read, written, replaced) = decoder.decode_to_utf8(src, &mut self.ready, last);
        self.ready.truncate(written);
        self.raw_at += read;
        if replaced {
            let text = String::from_utf8_lossy(&self.ready);
            self.replaced += text.chars().filter(|&c| c == '\u{FFFD}').count() as u64;
        }
        if last && self.raw_at == self.raw.len() {
            self.flushed = true;
        }
        Ok(true)
    }
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.ready_at < self.ready.len() {
                let n = buf.len().min(self.ready.len() - self.ready_at);
                buf[..n].copy_from_slice(&self.ready[self.ready_at..self.ready_at + n]);
                self.ready_at += n;
                return Ok(n);
            }
            match self.mode {
                Mode::Start => self.start()?,
                Mode::Utf8 { detect } => {
                    if self.ended && self.held_len == 0 {
                        return Ok(0);
                    }
                    let n = if buf.len() < 8 {
                        // A read too small for a character and the bytes held: through `ready`.
                        let mut small = vec![0u8; 64];
                        let n = self.read_utf8(&mut small, detect)?;
                        small.truncate(n);
                        self.ready = small;
                        self.ready_at = 0;
                        continue;
                    } else {
                        self.read_utf8(buf, detect)?
                    };
                    if n > 0 {
                        return Ok(n);
                    }
                }
                Mode::Decode(_) => {
                    if !self.decode_more()? {
                        return Ok(0);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All the text of `bytes`, read `chunk` bytes at a time from a reader that itself gives
    /// at most `trickle` bytes a read: (text, encoding, replaced).
    fn read_all(
        bytes: &[u8],
        forced: Option<&'static Encoding>,
        chunk: usize,
        trickle: usize,
    ) -> (String, &'static str, u64) {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.1).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = TextReader::new(Trickle(bytes, trickle), forced);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8(out).expect("the reader hands out UTF-8");
        (text, reader.encoding().name(), reader.replaced())
    }

    /// The text as [`decode::decode`] reads the whole file (line ends as they are).
    fn whole(bytes: &[u8], forced: Option<&'static Encoding>) -> (String, &'static str, u64) {
        let d = decode::decode(bytes.to_vec(), forced).unwrap();
        (d.text, d.encoding, d.replaced as u64)
    }

    #[test]
    fn a_table_stream_reads_as_the_whole_file_does_in_any_chunks() {
        let utf16 = {
            let mut b = vec![0xFF, 0xFE];
            b.extend(
                "id\ttext\n1\tDon’t\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            );
            b
        };
        let mut mostly_ascii = b"id,text\n".repeat(2000);
        mostly_ascii.extend_from_slice(b"1,the centre\x92s \x93top tables\x94\n");
        let mut stray = "id,text\n1,Don’t — “quoted” café\n".repeat(50).into_bytes();
        stray.extend_from_slice(b"2,one stray \x92 byte\n");
        let cases: Vec<(&[u8], Option<&'static Encoding>)> = vec![
            (b"id,text\n1,plain ascii\n", None),
            ("\u{feff}id,text\n1,caf\u{e9} ’\n".as_bytes(), None),
            (&utf16, None),
            (&mostly_ascii, None),
            (&stray, None),
            (b"id,text\n1,caf\xe9\n", Some(encoding_rs::WINDOWS_1252)),
            (b"id,text\n1,caf\xe9\n", Some(UTF_8)),
            (b"cut at the end \xe2\x80", None),
        ];
        for (bytes, forced) in cases {
            let expected = whole(bytes, forced);
            for (chunk, trickle) in [(1, 1), (3, 2), (8, 5), (64, 7), (1 << 16, 1 << 16)] {
                let got = read_all(bytes, forced, chunk, trickle);
                // decode() also turns CRLF into LF; none here.
                assert_eq!(got, expected, "chunk {chunk}, trickle {trickle}");
            }
        }
        assert_eq!(whole(&mostly_ascii, None).1, "windows-1252");
        assert_eq!(whole(&stray, None).1, "UTF-8");
        assert_eq!(whole(&stray, None).2, 1);
    }
}
