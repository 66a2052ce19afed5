//! Just enough of the protobuf wire format for the double: walking a
//! message's fields, to tell a well-formed message from garbage (the real
//! shim's parse would fail) and to read the few fields the double keys on.

/// One field of a message: its number and, for length-delimited fields,
/// the bytes.
pub(crate) struct Field<'a> {
    pub(crate) number: u64,
    pub(crate) bytes: Option<&'a [u8]>,
}

/// The fields of `message` in order, or `None` when it is not well formed.
pub(crate) fn fields(message: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut fields = Vec::new();
    let mut rest = message;
    while !rest.is_empty() {
        let (key, after_key) = varint(rest)?;
        let (number, wire_type) = (key >> 3, key & 7);
        if number == 0 {
            return None;
        }
        rest = after_key;
        let mut bytes = None;
        match wire_type {
            0 => rest = varint(rest)?.1,
            1 => rest = rest.get(8..)?,
            5 => rest = rest.get(4..)?,
            2 => {
                let (len, after_len) = varint(rest)?;
                let len = usize::try_from(len).ok()?;
                bytes = Some(after_len.get(..len)?);
                rest = &after_len[len..];
            }
            _ => return None,
        }
        fields.push(Field { number, bytes });
    }
    Some(fields)
}

/// Whether `message` parses as a protobuf message.
pub(crate) fn is_well_formed(message: &[u8]) -> bool {
    fields(message).is_some()
}

/// Field `number` (length-delimited) of `message`, as a string: for
/// example the `name` (2) of a FrameworkInfo.
pub(crate) fn string_field(message: &[u8], number: u64) -> Option<String> {
    fields(message)?
        .into_iter()
        .find(|field| field.number == number)
        .and_then(|field| String::from_utf8(field.bytes?.to_vec()).ok())
}

/// Whether `message` has field `number` set.
pub(crate) fn has_field(message: &[u8], number: u64) -> bool {
    fields(message).is_some_and(|fields| fields.iter().any(|field| field.number == number))
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}
