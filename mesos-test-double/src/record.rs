//! What a call records of its arguments, one kind of argument at a time,
//! in the order of the list (`mesos_native_sys::boundary`): a message or bytes as
//! one entry; a list (of messages or strings) as its length in decimal then
//! one entry per item; an optional message as its bytes ("" when NULL); a
//! flag as `0` or `1`. Bad arguments fail as the real shim fails them.

use mesos_native_sys::mesos_shim_buf;

use crate::buffers::{self, ShimError};

/// The byte arguments of one call, in order, and the completions it must
/// answer.
#[derive(Default)]
pub(crate) struct Recorded(pub(crate) Vec<Vec<u8>>, pub(crate) Completions);

/// The `completion` arguments of one call: answered, as the real shim
/// does, only when the call is accepted.
#[derive(Default)]
pub(crate) struct Completions(Vec<(mesos_native_sys::mesos_shim_v1_result_callback, Context)>);

/// A completion's context, sent to the callback thread with it.
struct Context(*mut std::os::raw::c_void);
// SAFETY: the binding hands the context over to the shim for one call of
// the callback, from any thread (libmesos answers on its own threads).
unsafe impl Send for Context {}

impl Completions {
    /// After the call returned `code`: an accepted call's completions get
    /// an `APIResult` of status 202 on the callback thread (libmesos
    /// answers on a thread of its own); a refused call's are never called.
    pub(crate) fn answer(self, code: i32, driver: &crate::driver::DriverDouble) {
        if code != mesos_native_sys::MESOS_SHIM_DRIVER_RUNNING as i32 {
            return;
        }
        for (callback, context) in self.0 {
            driver.enqueue(Box::new(move || {
                // APIResult { status_code: 202 }: field 1, varint.
                let result = [0x08, 0xca, 0x01];
                let context = context;
                // SAFETY: the binding's callback and the context it handed
                // over for this call, called once; `result` outlives it.
                unsafe { callback.unwrap()(context.0, code, buffers::view(&result)) }
            }));
        }
    }
}

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

    /// A `completion` argument: recorded as `completion`, answered after
    /// the call (see [`Completions::answer`]).
    pub(crate) fn completion(
        &mut self,
        callback: mesos_native_sys::mesos_shim_v1_result_callback,
        context: *mut std::os::raw::c_void,
    ) -> Result<(), ShimError> {
        if callback.is_none() {
            return Err(buffers::fail(
                mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT,
                "done is NULL",
            ));
        }
        self.0.push(b"completion".to_vec());
        self.1 .0.push((callback, Context(context)));
        Ok(())
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
