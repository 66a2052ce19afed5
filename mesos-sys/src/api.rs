//! A table of the shim's entry points, generated from the one list in
//! [`boundary`](crate::boundary).
//!
//! Calling through a table instead of the extern functions directly lets a
//! build without libmesos link (nothing references the undefined symbols),
//! and lets tests run the Rust side of the boundary against a test double
//! that implements the same header.

use crate::bindings::*;

macro_rules! shim_api {
    (
        queries { $($query:ident: fn() -> $query_ret:ty;)* }
        $(
            $kind:ident {
                handle: $handle:ident;
                table: $table:ident;
                new: $new:ident: fn($($new_arg:ty),* $(,)?) -> $new_ret:ty;
                free: $free:ident;
                lifecycle {
                    $($life:ident = $life_fn:ident($($life_arg:ident: $life_kind:ident),*);)*
                }
                calls {
                    $(
                        $(#[$doc:meta])*
                        $call:ident = $call_fn:ident(
                            $($arg:ident: $arg_kind:ident $(($($arg_type:tt)*))?),* $(,)?
                        ) $($fatal:ident)?;
                    )*
                }
                callbacks $callbacks:tt
            }
        )*
    ) => {
        /// Every function of `mesos_shim.h`, as function pointers with the
        /// exact signatures bindgen generated. Field names are the C names.
        #[derive(Clone, Copy)]
        pub struct ShimApi {
            $(
                #[doc = concat!("`", stringify!($query), "` from mesos_shim.h.")]
                pub $query: unsafe extern "C" fn() -> $query_ret,
            )*
            $(
                #[doc = concat!("`", stringify!($new), "` from mesos_shim.h.")]
                pub $new: unsafe extern "C" fn($($new_arg),*) -> $new_ret,
                #[doc = concat!("`", stringify!($free), "` from mesos_shim.h.")]
                pub $free: unsafe extern "C" fn(*mut $handle),
                $(
                    #[doc = concat!("`", stringify!($life_fn), "` from mesos_shim.h.")]
                    pub $life_fn: $crate::shim_fn!(*mut $handle; $($life_kind)*),
                )*
                $(
                    #[doc = concat!("`", stringify!($call_fn), "` from mesos_shim.h.")]
                    pub $call_fn: $crate::shim_fn!(*mut $handle; $($arg_kind)*),
                )*
            )*
        }

        #[cfg(mesos_native)]
        static NATIVE: ShimApi = ShimApi {
            $($query: crate::bindings::$query,)*
            $(
                $new: crate::bindings::$new,
                $free: crate::bindings::$free,
                $($life_fn: crate::bindings::$life_fn,)*
                $($call_fn: crate::bindings::$call_fn,)*
            )*
        };

        // Without libmesos, still prove at compile time that the list's
        // signatures are the ones bindgen generated from the header. The
        // closure is never called, so nothing refers to the (undefined)
        // extern symbols at link time.
        #[cfg(not(mesos_native))]
        const _: fn() = || {
            let _ = ShimApi {
                $($query: crate::bindings::$query,)*
                $(
                    $new: crate::bindings::$new,
                    $free: crate::bindings::$free,
                    $($life_fn: crate::bindings::$life_fn,)*
                    $($call_fn: crate::bindings::$call_fn,)*
                )*
            };
        };
    };
}

crate::shim_boundary!(=> shim_api);

pub(crate) fn native() -> Option<&'static ShimApi> {
    #[cfg(mesos_native)]
    {
        Some(&NATIVE)
    }
    #[cfg(not(mesos_native))]
    {
        None
    }
}
