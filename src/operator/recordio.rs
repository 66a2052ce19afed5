//! RecordIO, the framing of the master's event stream: each record is its
//! length in decimal ASCII, a newline, then that many bytes (here, one
//! serialized `Event`). The decoder is fed whatever bytes arrive and hands
//! back whole records; it does no I/O, so a blocking and an async reader
//! can share it.

/// A record longer than this is refused rather than buffered: a master's
/// SUBSCRIBED event carries the whole cluster state, tens of MiB on a big
/// cluster, but a length in the gigabytes means the stream is garbage.
pub(crate) const MAX_RECORD: usize = 1 << 30;

/// The most digits a length may have (`MAX_RECORD` has 10).
const MAX_DIGITS: usize = 10;

/// Why the bytes are not RecordIO.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Malformed(pub(crate) String);

/// Splits a byte stream into records.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    buffer: Vec<u8>,
    /// Where the next record's header starts in `buffer`.
    start: usize,
    /// The length of the record being read, once its header is complete.
    length: Option<usize>,
}

impl Decoder {
    /// Adds bytes that arrived.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        // Drop what earlier records used before growing the buffer.
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole record, `Ok(None)` until more bytes arrive, or why
    /// the stream is not RecordIO (then the decoder is of no further use).
    pub(crate) fn next_record(&mut self) -> Result<Option<Vec<u8>>, Malformed> {
        let length = match self.length {
            Some(length) => length,
            None => match self.header()? {
                Some(length) => length,
                None => return Ok(None),
            },
        };
        if self.buffer.len() - self.start < length {
            return Ok(None);
        }
        let record = self.buffer[self.start..self.start + length].to_vec();
        self.start += length;
        self.length = None;
        Ok(Some(record))
    }

    /// Whether bytes of an unfinished record (or header) are buffered: a
    /// stream that ends now was cut mid-record.
    pub(crate) fn is_mid_record(&self) -> bool {
        self.length.is_some() || self.buffer.len() > self.start
    }

    /// Reads a complete `LENGTH\n` header, consuming it.
    fn header(&mut self) -> Result<Option<usize>, Malformed> {
        let pending = &self.buffer[self.start..];
        let Some(newline) = pending.iter().position(|&byte| byte == b'\n') else {
            // Judge an unfinished header as soon as it cannot become one.
            return match pending.iter().find(|byte| !byte.is_ascii_digit()) {
                Some(byte) => Err(not_a_length(pending, *byte)),
                None if pending.len() > MAX_DIGITS => Err(too_long_header(pending)),
                None => Ok(None),
            };
        };
        let digits = &pending[..newline];
        if let Some(byte) = digits.iter().find(|byte| !byte.is_ascii_digit()) {
            return Err(not_a_length(digits, *byte));
        }
        if digits.is_empty() {
            return Err(Malformed("a record header without a length".into()));
        }
        if digits.len() > MAX_DIGITS {
            return Err(too_long_header(digits));
        }
        // At most 10 ASCII digits: the parse cannot fail, and fits in u64.
        let length: u64 = std::str::from_utf8(digits)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(u64::MAX);
        if length > MAX_RECORD as u64 {
            return Err(Malformed(format!(
                "a record of {length} bytes, more than the {MAX_RECORD} this client takes"
            )));
        }
        self.start += newline + 1;
        self.length = Some(length as usize);
        Ok(self.length)
    }
}

fn not_a_length(header: &[u8], byte: u8) -> Malformed {
    Malformed(format!(
        "a record header {:?} holds {:?}, not a decimal length",
        String::from_utf8_lossy(&header[..header.len().min(32)]),
        byte as char
    ))
}

fn too_long_header(header: &[u8]) -> Malformed {
    Malformed(format!(
        "a record header of {} digits and more, longer than any length this client takes",
        header.len()
    ))
}

/// Frames `record` as RecordIO, as a master writes it.
#[cfg(test)]
pub(crate) fn encode(record: &[u8]) -> Vec<u8> {
    let mut framed = format!("{}\n", record.len()).into_bytes();
    framed.extend_from_slice(record);
    framed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(decoder: &mut Decoder) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| decoder.next_record().unwrap()).collect()
    }

    #[test]
    fn records_come_out_whole_however_the_bytes_are_cut() {
        let mut stream = encode(b"first");
        stream.extend(encode(b""));
        stream.extend(encode(&[7u8; 300]));
        for cut in 1..stream.len() {
            let mut decoder = Decoder::default();
            let mut found = Vec::new();
            for chunk in stream.chunks(cut) {
                decoder.feed(chunk);
                found.extend(records(&mut decoder));
            }
            assert_eq!(
                found,
                [b"first".to_vec(), vec![], vec![7u8; 300]],
                "cut {cut}"
            );
            assert!(!decoder.is_mid_record());
        }
    }

    #[test]
    fn a_stream_cut_mid_record_is_noticed() {
        let mut decoder = Decoder::default();
        decoder.feed(b"10\nabc");
        assert_eq!(decoder.next_record(), Ok(None));
        assert!(decoder.is_mid_record());
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for garbage in [
            &b"abc\n"[..],
            b"12x",
            b"\n",
            b"-1\n",
            b"99999999999\n",
            b"123456789012345",
            b"2000000000\n",
        ] {
            let mut decoder = Decoder::default();
            decoder.feed(garbage);
            let Err(Malformed(reason)) = decoder.next_record() else {
                panic!("{garbage:?} was taken");
            };
            assert!(reason.contains("record"), "{reason}");
        }
    }
}
