//! `+`, `-`, `+=` and `-=` on [`Resources`] and [`Resource`].
//!
//! All forms keep the result canonical. Adding or subtracting a single
//! invalid [`Resource`] has no effect, as in Mesos.

use std::ops::{Add, AddAssign, Sub, SubAssign};

use crate::proto::Resource;

use super::Resources;

impl AddAssign<&Resources> for Resources {
    fn add_assign(&mut self, that: &Resources) {
        for entry in &that.entries {
            self.add_entry(entry.clone());
        }
    }
}

impl AddAssign<Resources> for Resources {
    fn add_assign(&mut self, that: Resources) {
        for entry in that.entries {
            self.add_entry(entry);
        }
    }
}

impl SubAssign<&Resources> for Resources {
    fn sub_assign(&mut self, that: &Resources) {
        for entry in &that.entries {
            self.subtract_entry(entry);
        }
    }
}

impl SubAssign<Resources> for Resources {
    fn sub_assign(&mut self, that: Resources) {
        *self -= &that;
    }
}

impl AddAssign<Resource> for Resources {
    fn add_assign(&mut self, that: Resource) {
        self.add_lenient(that);
    }
}

impl AddAssign<&Resource> for Resources {
    fn add_assign(&mut self, that: &Resource) {
        self.add_lenient(that.clone());
    }
}

impl SubAssign<Resource> for Resources {
    fn sub_assign(&mut self, that: Resource) {
        *self -= Resources::from(that);
    }
}

impl SubAssign<&Resource> for Resources {
    fn sub_assign(&mut self, that: &Resource) {
        *self -= Resources::from(that.clone());
    }
}

/// Implements `Add`/`Sub` for owned and borrowed left operands in terms of
/// the `AddAssign`/`SubAssign` impls above.
macro_rules! binary_ops {
    ($($rhs:ty),* $(,)?) => {$(
        impl Add<$rhs> for Resources {
            type Output = Resources;

            fn add(mut self, that: $rhs) -> Resources {
                self += that;
                self
            }
        }

        impl Add<$rhs> for &Resources {
            type Output = Resources;

            fn add(self, that: $rhs) -> Resources {
                let mut result = self.clone();
                result += that;
                result
            }
        }

        impl Sub<$rhs> for Resources {
            type Output = Resources;

            fn sub(mut self, that: $rhs) -> Resources {
                self -= that;
                self
            }
        }

        impl Sub<$rhs> for &Resources {
            type Output = Resources;

            fn sub(self, that: $rhs) -> Resources {
                let mut result = self.clone();
                result -= that;
                result
            }
        }
    )*};
}

binary_ops!(Resources, &Resources, Resource, &Resource);

/// `resource + resource` gives a [`Resources`]: one merged resource when
/// the two have the same identity, both side by side otherwise.
///
/// ```
/// use mesos_native::resources::scalar;
///
/// let sum = scalar("cpus", 1.0) + scalar("cpus", 0.5);
/// assert_eq!(sum.cpus(), Some(1.5));
/// assert_eq!((scalar("cpus", 1.0) + scalar("mem", 1.0)).len(), 2);
/// ```
impl Add<Resource> for Resource {
    type Output = Resources;

    fn add(self, that: Resource) -> Resources {
        Resources::from(self) + that
    }
}

impl Add<&Resource> for &Resource {
    type Output = Resources;

    fn add(self, that: &Resource) -> Resources {
        Resources::from(self.clone()) + that
    }
}

/// `resource - resource` gives a [`Resources`] holding what is left of the
/// left operand (nothing if it is used up).
impl Sub<Resource> for Resource {
    type Output = Resources;

    fn sub(self, that: Resource) -> Resources {
        Resources::from(self) - that
    }
}

impl Sub<&Resource> for &Resource {
    type Output = Resources;

    fn sub(self, that: &Resource) -> Resources {
        Resources::from(self.clone()) - that
    }
}
