//! The code the boundary's one list (`mesos_sys::shim_boundary!`) turns
//! into on this side: each kind's safe driver calls (lifecycle included),
//! and its callback
//! table with one trampoline per callback. See `mesos_sys::boundary` for
//! the list's words and CONTRIBUTING.md for adding a call or a callback.

/// One kind of driver from its `calls` view of the list: `$driver` (a
/// struct with a `handle` field) becomes a [`crate::driver::Kind`], and
/// gets the safe driver calls as methods: the lifecycle calls through the
/// generic ones of [`crate::driver`], the others checked and encoded here. A call marked
/// `fatal` first passes `crate::preconditions::$preconditions::<call>`;
/// then the arguments are encoded, and the shim function is called on the
/// live C++ object. (`run` is `start` then `join`, so the shim's own `run`
/// goes unused.)
macro_rules! driver_calls {
    (
        $driver:ident {
            user: $user:ty,
            settings: $settings:ty,
            owner: $owner:literal,
            preconditions: $preconditions:ident $(,)?
        };
        handle: $handle:ident;
        free: $free:ident;
        lifecycle {
            $(#[$start_doc:meta])* start = $start_fn:ident();
            $(#[$stop_doc:meta])* stop = $stop_fn:ident($($stop_arg:ident: $stop_kind:ident),*);
            $(#[$abort_doc:meta])* abort = $abort_fn:ident();
            $(#[$join_doc:meta])* join = $join_fn:ident();
            $(#[$run_doc:meta])* run = $run_fn:ident();
        }
        calls {
            $(
                $(#[$doc:meta])*
                $call:ident = $call_fn:ident(
                    $($arg:ident: $kind:ident $(($($arg_type:tt)*))?),* $(,)?
                ) $($fatal:ident)?;
            )*
        }
    ) => {
        impl $crate::driver::Kind for $driver {
            type Raw = mesos_sys::$handle;
            type User = $user;
            type Settings = $settings;
            const OWNER: &'static str = $owner;

            fn from_handle(handle: $crate::driver::Handle<Self>) -> Self {
                Self { handle }
            }

            fn handle(&self) -> &$crate::driver::Handle<Self> {
                &self.handle
            }

            fn natives(api: &mesos_sys::ShimApi) -> $crate::driver::Natives<Self::Raw> {
                $crate::driver::Natives {
                    start: api.$start_fn,
                    abort: api.$abort_fn,
                    join: api.$join_fn,
                    free: api.$free,
                }
            }

            fn may_delete_native(state: $crate::driver::State) -> bool {
                $crate::preconditions::$preconditions::may_be_deleted(state)
            }
        }

        impl $driver {
            /// The status as of the last call (or failure).
            pub fn status(&self) -> $crate::DriverStatus {
                $crate::driver::Kind::handle(self).status()
            }

            $(#[$start_doc])*
            pub fn start(&self) -> $crate::Result<$crate::DriverStatus> {
                $crate::driver::Kind::handle(self).start()
            }

            $(#[$stop_doc])*
            pub fn stop(
                &self,
                $($stop_arg: $crate::from_list::rust_arg!($stop_kind)),*
            ) -> $crate::Result<$crate::DriverStatus> {
                $(let $stop_arg = $crate::from_list::encode!($stop_kind, $stop_arg);)*
                let handle = $crate::driver::Kind::handle(self);
                let api = handle.api();
                handle.stop(|raw| {
                    // SAFETY: `stop` lends the live C++ object for this call.
                    unsafe { $crate::from_list::c_call!((api.$stop_fn); raw; [] $($stop_kind $stop_arg)*) }
                })
            }

            $(#[$abort_doc])*
            pub fn abort(&self) -> $crate::Result<$crate::DriverStatus> {
                $crate::driver::Kind::handle(self).abort()
            }

            $(#[$join_doc])*
            pub fn join(&self) -> $crate::Result<$crate::DriverStatus> {
                $crate::driver::Kind::handle(self).join()
            }

            $(#[$run_doc])*
            pub fn run(&self) -> $crate::Result<$crate::DriverStatus> {
                $crate::driver::Kind::handle(self).run()
            }


            $(
                $(#[$doc])*
                pub fn $call(
                    &self,
                    $($arg: $crate::from_list::rust_arg!($kind $($($arg_type)*)?)),*
                ) -> $crate::Result<()> {
                    $crate::from_list::check!(
                        [$($fatal)?]
                        $crate::preconditions::$preconditions::$call(
                            $crate::driver::Kind::handle(self).settings(),
                            $($arg),*
                        )
                    );
                    $(let $arg = $crate::from_list::encode!($kind, $arg);)*
                    let handle = $crate::driver::Kind::handle(self);
                    let api = handle.api();
                    let result = handle.call(|raw| {
                        // SAFETY: `call` lends the live C++ object for this
                        // call; every encoded argument lives until it returns.
                        unsafe { $crate::from_list::c_call!((api.$call_fn); raw; [] $($kind $arg)*) }
                    });
                    $($crate::from_list::settle!($kind, $arg, result);)*
                    result
                }
            )*
        }
    };
}

/// The Rust type of a driver-call argument of a kind.
macro_rules! rust_arg {
    (message $type:ty) => { &$type };
    (messages $type:ty) => { &[$type] };
    (strings) => { &[impl AsRef<str>] };
    (bytes) => { &[u8] };
    (optional $type:ty) => { Option<&$type> };
    (flag) => { bool };
    (completion $type:ty) => { impl FnOnce($crate::Result<$type>) + Send + 'static };
}

/// A driver call's fatal precondition: for a call marked `fatal`, `$check`
/// must pass first; for the others it is not even named.
macro_rules! check {
    ([fatal] $check:expr) => {
        $check?
    };
    ([] $check:expr) => {};
}

/// An argument, encoded for the shim (kept alive until the call returns).
macro_rules! encode {
    (message, $arg:ident) => {
        ::prost::Message::encode_to_vec($arg)
    };
    (messages, $arg:ident) => {
        $crate::ffi::EncodedList::messages($arg)
    };
    (strings, $arg:ident) => {
        $crate::ffi::EncodedList::strings($arg)
    };
    (bytes, $arg:ident) => {
        $arg
    };
    (optional, $arg:ident) => {
        $crate::ffi::EncodedOptional::new($arg)
    };
    (flag, $arg:ident) => {
        i32::from($arg)
    };
    (completion, $arg:ident) => {
        $crate::completion::Pending::new($arg)
    };
}

/// After the call, what an encoded argument still owes: a `completion`
/// the shim did not take (the call failed) is dropped uncalled; the others
/// are dropped as usual.
macro_rules! settle {
    (completion, $arg:ident, $result:ident) => {
        $arg.settle($result.is_ok())
    };
    ($kind:ident, $arg:ident, $result:ident) => {};
}

/// The shim call `$function($raw, <each encoded argument as C arguments>)`.
macro_rules! c_call {
    ($function:expr; $raw:ident; [$($c:expr,)*] message $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $crate::ffi::buf(&$arg),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] bytes $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $crate::ffi::buf($arg),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] messages $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $arg.as_ptr(), $arg.len(),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] strings $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $arg.as_ptr(), $arg.len(),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] optional $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $arg.as_ptr(),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] flag $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $arg,] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*] completion $arg:ident $($rest:tt)*) => {
        $crate::from_list::c_call!($function; $raw; [$($c,)* $arg.callback(), $arg.context(),] $($rest)*)
    };
    ($function:expr; $raw:ident; [$($c:expr,)*]) => {
        $function($raw, $($c),*)
    };
}

/// The callback table of one kind's section of the list, as the static
/// `CALLBACKS`, and one trampoline per callback: it decodes the arguments
/// and calls the method of the same name of the user's object (a `$user`)
/// through [`crate::driver::deliver`]. `error` goes through
/// [`crate::driver::deliver_error`].
macro_rules! callback_table {
    (
        $driver:ty, $user:literal;
        table: $table:ident;
        callbacks {
            $($callback:ident($($arg:ident: $kind:ident $(($($arg_type:tt)*))?),*);)*
        }
    ) => {
        pub(super) static CALLBACKS: mesos_sys::$table = mesos_sys::$table {
            $($callback: Some($callback),)*
            error: Some(error),
        };

        $(
            $crate::from_list::trampoline!(@munch $driver, $user, $callback; [] [] []
                $($arg $kind ($($($arg_type)*)?))*);
        )*

        /// libmesos's `error`: recorded as the abort's reason, then handed
        /// to the user.
        unsafe extern "C" fn error(
            user_data: *mut ::std::os::raw::c_void,
            message: mesos_sys::mesos_shim_buf,
        ) {
            // SAFETY: the shim passes the user data this driver gave it
            // (its C++ object lives while it calls back) and a buffer
            // valid for this call.
            unsafe {
                $crate::driver::deliver_error::<$driver>(
                    user_data,
                    concat!($user, "::error"),
                    $crate::ffi::bytes(&message),
                    |user, driver, text| user.error(driver, text),
                )
            }
        }
    };
}

/// One trampoline: munches the arguments into C parameters and decoding
/// statements, then defines the function. Each list's `len` is a
/// parameter of the step that made it.
macro_rules! trampoline {
    (@munch $driver:ty, $user:literal, $name:ident; [$($params:tt)*] [$($decode:tt)*] [$($args:ident)*]
        $arg:ident message ($type:ty) $($rest:tt)*) => {
        $crate::from_list::trampoline!(@munch $driver, $user, $name;
            [$($params)* $arg: mesos_sys::mesos_shim_buf,]
            [$($decode)* let $arg: $type =
                $crate::ffi::decode(&$arg, concat!(stringify!($name), ": ", stringify!($type)))?;]
            [$($args)* $arg] $($rest)*);
    };
    (@munch $driver:ty, $user:literal, $name:ident; [$($params:tt)*] [$($decode:tt)*] [$($args:ident)*]
        $arg:ident messages ($type:ty) $($rest:tt)*) => {
        $crate::from_list::trampoline!(@munch $driver, $user, $name;
            [$($params)* $arg: *const mesos_sys::mesos_shim_buf, len: usize,]
            [$($decode)* let $arg: Vec<$type> = $crate::ffi::decode_list(
                $arg, len, concat!(stringify!($name), ": ", stringify!($type)))?;]
            [$($args)* $arg] $($rest)*);
    };
    (@munch $driver:ty, $user:literal, $name:ident; [$($params:tt)*] [$($decode:tt)*] [$($args:ident)*]
        $arg:ident bytes () $($rest:tt)*) => {
        $crate::from_list::trampoline!(@munch $driver, $user, $name;
            [$($params)* $arg: mesos_sys::mesos_shim_buf,]
            [$($decode)* let $arg = $crate::ffi::bytes(&$arg).to_vec();]
            [$($args)* $arg] $($rest)*);
    };
    (@munch $driver:ty, $user:literal, $name:ident; [$($params:tt)*] [$($decode:tt)*] [$($args:ident)*]
        $arg:ident int () $($rest:tt)*) => {
        $crate::from_list::trampoline!(@munch $driver, $user, $name;
            [$($params)* $arg: i32,] [$($decode)*] [$($args)* $arg] $($rest)*);
    };
    (@munch $driver:ty, $user:literal, $name:ident; [$($params:tt)*] [$($decode:tt)*] [$($args:ident)*]) => {
        unsafe extern "C" fn $name(user_data: *mut ::std::os::raw::c_void, $($params)*) {
            // SAFETY: the shim passes the user data this driver gave it (its
            // C++ object lives while it calls back) and buffers valid for
            // this call, which the decoding copies before it returns.
            unsafe {
                $crate::driver::deliver::<$driver>(
                    user_data,
                    concat!($user, "::", stringify!($name)),
                    |user, driver| {
                        $($decode)*
                        user.$name(driver, $($args),*);
                        Ok(())
                    },
                )
            }
        }
    };
}

pub(crate) use {
    c_call, callback_table, check, driver_calls, encode, rust_arg, settle, trampoline,
};
