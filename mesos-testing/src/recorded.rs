//! Reading back the arguments the double recorded for one driver call,
//! by the kinds the boundary list gives them: messages serialized, lists
//! as their length then their items, strings as UTF-8, flags as decimal.
//!
//! The bytes were written by the binding a moment ago, from typed values,
//! so a failure here is a bug of the binding or the kit, not of the test:
//! it panics with the call and argument it could not read.

use mesos_native_double::Call;
use prost::Message;

pub(crate) struct Args<'a> {
    call: &'a Call,
    next: usize,
}

impl<'a> Args<'a> {
    pub(crate) fn new(call: &'a Call) -> Self {
        Self { call, next: 0 }
    }

    fn take(&mut self) -> &'a [u8] {
        let Some(arg) = self.call.args.get(self.next) else {
            panic!(
                "mesos-native-testing: `{}` was recorded with {} arguments, fewer than the list gives it",
                self.call.name,
                self.call.args.len()
            );
        };
        self.next += 1;
        arg
    }

    fn decode<T: Message + Default>(&self, bytes: &[u8]) -> T {
        T::decode(bytes).unwrap_or_else(|error| {
            panic!(
                "mesos-native-testing: argument {} of `{}` is not a {}: {error}",
                self.next,
                self.call.name,
                std::any::type_name::<T>()
            )
        })
    }

    fn count(&mut self) -> usize {
        let text = self.take();
        std::str::from_utf8(text)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "mesos-native-testing: a list length of `{}` is not a number",
                    self.call.name
                )
            })
    }

    pub(crate) fn message<T: Message + Default>(&mut self) -> T {
        let bytes = self.take();
        self.decode(bytes)
    }

    pub(crate) fn messages<T: Message + Default>(&mut self) -> Vec<T> {
        (0..self.count())
            .map(|_| {
                let bytes = self.take();
                self.decode(bytes)
            })
            .collect()
    }

    /// An optional message, recorded empty when absent. (A present but
    /// empty message reads as absent: its encoding is empty too.)
    pub(crate) fn optional<T: Message + Default>(&mut self) -> Option<T> {
        let bytes = self.take();
        (!bytes.is_empty()).then(|| self.decode(bytes))
    }

    pub(crate) fn bytes(&mut self) -> Vec<u8> {
        self.take().to_vec()
    }

    pub(crate) fn strings(&mut self) -> Vec<String> {
        (0..self.count())
            .map(|_| String::from_utf8_lossy(self.take()).into_owned())
            .collect()
    }

    /// A completion argument (v1 `call_async`): recorded as a marker; the
    /// double answers it itself.
    pub(crate) fn completion(&mut self) {
        self.take();
    }

    pub(crate) fn flag(&mut self) -> bool {
        self.take() != b"0"
    }
}
