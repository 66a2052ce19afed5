//! The `extern "C"` entry points, generated from the list
//! (`mesos_sys::shim_boundary!`) for each half: its lifecycle calls and
//! driver calls (record the arguments, then let the half's double answer),
//! and the methods that fire its callbacks. Macros, not generic functions,
//! because each function must have exactly the C signature of its
//! `ShimApi` field.
//!
//! The invoking module defines its double type (a `driver::KindDouble`)
//! and `new`; `driver_handle!` gives it the opaque handle, `double` and
//! `free`.

/// Defines, in one half, the handle behind the binding's opaque `$pointer`:
/// `into_pointer` (for `new`), `double` (handle to double, or the shim's
/// NULL-argument error) and `free`.
macro_rules! driver_handle {
    (pointer: $pointer:ty, double: $double:ty, what: $what:literal $(,)?) => {
        /// What the binding holds: a pointer to this box.
        struct Handle(std::sync::Arc<$double>);

        /// The pointer `new` hands the binding for `double`.
        fn into_pointer(double: std::sync::Arc<$double>) -> *mut $pointer {
            Box::into_raw(Box::new(Handle(double))) as *mut $pointer
        }

        /// The double behind `driver`, or the shim's error for a NULL one.
        ///
        /// # Safety
        /// `driver` is NULL or a pointer returned by `new` and not yet freed.
        unsafe fn double<'a>(driver: *mut $pointer) -> Result<&'a $double, i32> {
            if driver.is_null() {
                return Err($crate::buffers::fail(
                    mesos_sys::MESOS_SHIM_NULL_ARGUMENT,
                    concat!($what, " driver handle is NULL"),
                ));
            }
            // SAFETY: non-NULL, so from `new` and live by the caller's promise.
            Ok(unsafe { &(*(driver as *const Handle)).0 })
        }

        pub(crate) unsafe extern "C" fn free(driver: *mut $pointer) {
            if driver.is_null() {
                return;
            }
            // SAFETY: `driver` came from `new` (Box::into_raw) and is freed once.
            let handle = unsafe { Box::from_raw(driver as *mut Handle) };
            $crate::driver::KindDouble::free(&*handle.0);
        }
    };
}

/// Defines every lifecycle call and driver call of one kind's section of
/// the list, for the double type `$double`.
macro_rules! entry_points {
    (
        $double:ty;
        handle: $handle:ident;
        free: $free:ident;
        lifecycle {
            $($(#[$life_doc:meta])* $life:ident = $life_fn:ident($($life_arg:ident: $life_kind:ident),*);)*
        }
        calls {
            $(
                $(#[$doc:meta])*
                $call:ident = $call_fn:ident(
                    $($arg:ident: $arg_kind:ident $(($($arg_type:tt)*))?),* $(,)?
                ) $($fatal:ident)?;
            )*
        }
    ) => {
        $(
            entry_point!(@munch lifecycle $life $handle; args; [] []
                $($life_arg $life_kind)*);
        )*
        $(
            entry_point!(@munch call $call $handle; args; [] [] $($arg $arg_kind)*);
        )*
    };
}

/// One entry point: munches the arguments into C parameters and the
/// statements recording them, then defines the function. `$args` names
/// the recorder in every step (one hygiene context); each list's `len` is
/// a parameter of the step that made it.
macro_rules! entry_point {
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident message $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: mesos_sys::mesos_shim_buf,]
            [$($records)* {
                // SAFETY: the binding passes a buffer valid for the call.
                unsafe { $args.message($arg, stringify!($arg)) }
            }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident bytes $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: mesos_sys::mesos_shim_buf,]
            [$($records)* {
                // SAFETY: the binding passes a buffer valid for the call.
                unsafe { $args.bytes($arg, stringify!($arg)) }
            }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident messages $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: *const mesos_sys::mesos_shim_buf, len: usize,]
            [$($records)* {
                // SAFETY: the binding passes `len` buffers valid for the call.
                unsafe { $args.messages($arg, len, stringify!($arg)) }
            }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident strings $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: *const mesos_sys::mesos_shim_buf, len: usize,]
            [$($records)* {
                // SAFETY: the binding passes `len` buffers valid for the call.
                unsafe { $args.strings($arg, len, stringify!($arg)) }
            }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident optional $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: *const mesos_sys::mesos_shim_buf,]
            [$($records)* {
                // SAFETY: the binding passes NULL or a buffer valid for the call.
                unsafe { $args.optional($arg, stringify!($arg)) }
            }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident completion $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: mesos_sys::mesos_shim_v1_result_callback, context: *mut std::os::raw::c_void,]
            [$($records)* { $args.completion($arg, context) }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]
        $arg:ident flag $($rest:tt)*) => {
        entry_point!(@munch $how $name $handle; $args;
            [$($params)* $arg: i32,]
            [$($records)* { $args.flag($arg) }]
            $($rest)*);
    };
    (@munch $how:ident $name:ident $handle:ident; $args:ident; [$($params:tt)*] [$($records:tt)*]) => {
        pub(crate) unsafe extern "C" fn $name(
            driver: *mut mesos_sys::$handle,
            $($params)*
        ) -> i32 {
            // SAFETY: the binding passes NULL or a live handle.
            let double = match unsafe { double(driver) } {
                Ok(double) => double,
                Err(code) => return code,
            };
            #[allow(unused_mut)]
            let mut $args = $crate::record::Recorded::default();
            $(
                if let Err(code) = $records {
                    return code;
                }
            )*
            let completions = std::mem::take(&mut $args.1);
            let code = $crate::driver::KindDouble::$how(double, stringify!($name), $args.0);
            completions.answer(code, $crate::driver::KindDouble::driver(double));
            code
        }
    };
}

/// Defines, for the double type `$double`, one method per callback of one
/// kind's section of the list, which fires that callback on the double's
/// callback thread (`error`, which libmesos follows with an abort, is the
/// double's own), and `all_callbacks_set`.
macro_rules! fire_methods {
    (
        $double:ty;
        table: $table:ident;
        callbacks {
            $($callback:ident($($arg:ident: $arg_kind:ident $(($($arg_type:tt)*))?),*);)*
        }
    ) => {
        impl $double {
            $(fire_method!(@munch $callback $table; [] [] [] $($arg $arg_kind)*);)*

            /// Whether every callback of `table` is set (`error` too), as
            /// the real shim requires of a new driver.
            fn all_callbacks_set(table: &mesos_sys::$table) -> bool {
                $(table.$callback.is_some() &&)* table.error.is_some()
            }
        }
    };
}

macro_rules! fire_method {
    (@munch $name:ident $table:ident; [$($params:tt)*] [$($prelude:tt)*] [$($c:tt)*]
        $arg:ident message $($rest:tt)*) => {
        fire_method!(@munch $name $table; [$($params)* $arg: Vec<u8>,] [$($prelude)*]
            [$($c)* $crate::buffers::view(&$arg),] $($rest)*);
    };
    (@munch $name:ident $table:ident; [$($params:tt)*] [$($prelude:tt)*] [$($c:tt)*]
        $arg:ident bytes $($rest:tt)*) => {
        fire_method!(@munch $name $table; [$($params)* $arg: Vec<u8>,] [$($prelude)*]
            [$($c)* $crate::buffers::view(&$arg),] $($rest)*);
    };
    (@munch $name:ident $table:ident; [$($params:tt)*] [$($prelude:tt)*] [$($c:tt)*]
        $arg:ident int $($rest:tt)*) => {
        fire_method!(@munch $name $table; [$($params)* $arg: i32,] [$($prelude)*]
            [$($c)* $arg,] $($rest)*);
    };
    (@munch $name:ident $table:ident; [$($params:tt)*] [$($prelude:tt)*] [$($c:tt)*]
        $arg:ident messages $($rest:tt)*) => {
        fire_method!(@munch $name $table; [$($params)* $arg: Vec<Vec<u8>>,]
            [$($prelude)* let views: Vec<mesos_sys::mesos_shim_buf> =
                $arg.iter().map(|item| $crate::buffers::view(item)).collect();]
            [$($c)* views.as_ptr(), views.len(),] $($rest)*);
    };
    (@munch $name:ident $table:ident; [$($params:tt)*] [$($prelude:tt)*] [$($c:tt)*]) => {
        #[doc = concat!("Fires `", stringify!($name), "` on the callback thread.")]
        pub fn $name(self: &std::sync::Arc<Self>, $($params)*) {
            self.fire(move |table: &mesos_sys::$table, user_data| {
                $($prelude)*
                // SAFETY: the binding's table (every entry set: `new`
                // checked) and user data, called on the callback thread the
                // binding expects; the buffers outlive the call.
                unsafe { table.$name.unwrap()(user_data, $($c)*) }
            });
        }
    };
}
