//! The `extern "C"` entry points both halves define alike: the opaque handle
//! the binding holds, `free`, `run`, the argument-free lifecycle calls, and
//! the calls only a running driver accepts. These are macros, not generic
//! functions, because each half's functions take its own opaque pointer
//! type and must match `mesos_sys::ShimApi`'s function-pointer types.
//!
//! Both macros expect the invoking module to have its double type with a
//! `driver: Arc<DriverDouble>` field; `accepted_calls!` also expects the
//! `double` function that `driver_handle!` defines.

/// Defines, in one half, the handle behind the binding's opaque `$pointer`
/// and the entry points that depend only on the double's `DriverDouble`:
/// `double` (handle to double), `into_pointer` (for `new`), `free`, `run`,
/// and each `$lifecycle` call, which records itself without arguments and
/// then runs the `DriverDouble` method of the same name.
macro_rules! driver_handle {
    (
        pointer: $pointer:ty,
        double: $double:ty,
        null_handle_message: $null_handle_message:literal,
        lifecycle: [$($lifecycle:ident),* $(,)?] $(,)?
    ) => {
        /// What the binding holds: a pointer to this box.
        struct Handle(std::sync::Arc<$double>);

        /// The pointer `new` hands the binding for `double`.
        fn into_pointer(double: std::sync::Arc<$double>) -> *mut $pointer {
            Box::into_raw(Box::new(Handle(double))) as *mut $pointer
        }

        /// # Safety
        /// `driver` is a pointer returned by `new` and not yet freed.
        unsafe fn double<'a>(driver: *mut $pointer) -> &'a $double {
            assert!(!driver.is_null(), $null_handle_message);
            // SAFETY: guaranteed by the caller.
            unsafe { &(*(driver as *const Handle)).0 }
        }

        pub(crate) unsafe extern "C" fn free(driver: *mut $pointer) {
            if driver.is_null() {
                return;
            }
            // SAFETY: `driver` came from `new` (Box::into_raw) and is freed once.
            let handle = unsafe { Box::from_raw(driver as *mut Handle) };
            handle.0.driver.free();
        }

        pub(crate) unsafe extern "C" fn run(driver: *mut $pointer) -> i32 {
            // SAFETY: the binding passes a live handle. Recorded by `run`
            // itself, after the driver started.
            unsafe { double(driver) }.driver.run()
        }

        $(
            pub(crate) unsafe extern "C" fn $lifecycle(driver: *mut $pointer) -> i32 {
                // SAFETY: the binding passes a live handle.
                let driver = &unsafe { double(driver) }.driver;
                driver.record(stringify!($lifecycle), Vec::new());
                driver.$lifecycle()
            }
        )*
    };
}

/// Defines, in one half, calls that need a running driver: each turns its
/// C arguments into the byte arguments to record (the expression after
/// `=>`, evaluated with the arguments in scope) and hands them to
/// `DriverDouble::accept` under its own name.
macro_rules! accepted_calls {
    (
        pointer: $pointer:ty;
        $(
            fn $name:ident($($arg:ident: $arg_type:ty),* $(,)?) => $recorded:expr;
        )*
    ) => {
        $(
            pub(crate) unsafe extern "C" fn $name(driver: *mut $pointer, $($arg: $arg_type),*) -> i32 {
                // SAFETY: the binding passes a live handle, and buffers
                // valid for the call to the conversions in `$recorded`.
                unsafe { double(driver).driver.accept(stringify!($name), $recorded) }
            }
        )*
    };
}
