//! What a call records of its arguments, one kind of argument at a time,
//! in the order of the list (`mesos_sys::boundary`): a message or bytes as
//! one entry; a list (of messages or strings) as its length in decimal then
//! one entry per item; an optional message as its bytes ("" when NULL); a
//! flag as `0` or `1`. Bad arguments fail as the real shim fails them.

use mesos_sys::mesos_shim_buf;

use crate::buffers::{self, ShimError};

/// The byte arguments of one call, in order.
#[derive(Default)]
pub(crate) struct Recorded(pub(crate) Vec<Vec<u8>>);

impl Recorded {
    /// # Safety
    /// `buf` is valid for the call (see [`buffers::bytes`]).
    pub(crate) unsafe fn message(
        &mut self,
        buf: mesos_shim_buf,
        what: &str,
    ) -> Result<(), ShimError> {
        // SAFETY: forwarded from the caller.
        self.0.push(unsafe { buffers::message(&buf, what) }?);
        Ok(())
    }

    /// # Safety
    /// As for [`message`](Self::message).
    pub(crate) unsafe fn bytes(
        &mut self,
        buf: mesos_shim_buf,
        what: &str,
    ) -> Result<(), ShimError> {
        // SAFETY: forwarded from the caller.
        self.0.push(unsafe { buffers::bytes(&buf, what) }?);
        Ok(())
    }

    /// # Safety
    /// `bufs` points to `len` buffers valid for the call, or is NULL.
    pub(crate) unsafe fn messages(
        &mut self,
        bufs: *const mesos_shim_buf,
        len: usize,
        what: &str,
    ) -> Result<(), ShimError> {
        // SAFETY: forwarded from the caller.
        let items = unsafe { buffers::list(bufs, len, what, buffers::message) }?;
        self.list(items);
        Ok(())
    }

    /// # Safety
    /// As for [`messages`](Self::messages).
    pub(crate) unsafe fn strings(
        &mut self,
        bufs: *const mesos_shim_buf,
        len: usize,
        what: &str,
    ) -> Result<(), ShimError> {
        // SAFETY: forwarded from the caller.
        let items = unsafe { buffers::list(bufs, len, what, buffers::bytes) }?;
        self.list(items);
        Ok(())
    }

    /// # Safety
    /// `buf` is NULL or points to a buffer valid for the call.
    pub(crate) unsafe fn optional(
        &mut self,
        buf: *const mesos_shim_buf,
        what: &str,
    ) -> Result<(), ShimError> {
        // SAFETY: NULL or valid for the call, by the caller's promise.
        match unsafe { buf.as_ref() } {
            // SAFETY: as above.
            Some(buf) => unsafe { self.message(*buf, what) },
            None => {
                self.0.push(Vec::new());
                Ok(())
            }
        }
    }

    pub(crate) fn flag(&mut self, value: i32) -> Result<(), ShimError> {
        self.0.push(value.to_string().into_bytes());
        Ok(())
    }

    fn list(&mut self, items: Vec<Vec<u8>>) {
        self.0.push(items.len().to_string().into_bytes());
        self.0.extend(items);
    }
}
