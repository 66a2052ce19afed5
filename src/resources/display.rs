//! Mesos's text form of resources, as printed in Mesos's own logs:
//! `cpus(allocated: a/b)(reservations: [(STATIC,a),(DYNAMIC,a/b,ops)]):0.5`.

use std::fmt::{self, Display, Formatter, Write};

use crate::proto::resource::disk_info::source::Type as SourceType;
use crate::proto::resource::disk_info::Source;
use crate::proto::resource::reservation_info::Type as ReservationType;
use crate::proto::resource::{DiskInfo, ReservationInfo};
use crate::proto::value::{self, Ranges, Scalar, Set};
use crate::proto::volume::Mode;
use crate::proto::{Labels, Resource, Volume};

use super::resource::upgrade_format;
use super::{values, Resources};

/// Writes a scalar rounded to three decimals, without trailing zeros.
fn write_scalar(f: &mut Formatter<'_>, scalar: &Scalar) -> fmt::Result {
    let fixed = values::to_fixed(scalar.value);
    let sign = if fixed < 0 { "-" } else { "" };
    let magnitude = fixed.unsigned_abs();
    let (whole, thousandths) = (magnitude / 1000, magnitude % 1000);
    if thousandths == 0 {
        write!(f, "{sign}{whole}")
    } else {
        let fraction = format!("{thousandths:03}");
        write!(f, "{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }
}

fn write_ranges(f: &mut Formatter<'_>, ranges: &Ranges) -> fmt::Result {
    f.write_char('[')?;
    for (index, range) in ranges.range.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}-{}", range.begin, range.end)?;
    }
    f.write_char(']')
}

fn write_set(f: &mut Formatter<'_>, set: &Set) -> fmt::Result {
    write!(f, "{{{}}}", set.item.join(", "))
}

fn write_labels(f: &mut Formatter<'_>, labels: &Labels) -> fmt::Result {
    f.write_char('{')?;
    for (index, label) in labels.labels.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        f.write_str(&label.key)?;
        if let Some(value) = &label.value {
            write!(f, ": {value}")?;
        }
    }
    f.write_char('}')
}

fn write_reservation(f: &mut Formatter<'_>, reservation: &ReservationInfo) -> fmt::Result {
    let kind = ReservationType::try_from(reservation.r#type.unwrap_or_default())
        .unwrap_or(ReservationType::Unknown);
    write!(f, "{},{}", kind.as_str_name(), reservation.role())?;
    if let Some(principal) = &reservation.principal {
        write!(f, ",{principal}")?;
    }
    if let Some(labels) = &reservation.labels {
        f.write_char(',')?;
        write_labels(f, labels)?;
    }
    Ok(())
}

fn write_source(f: &mut Formatter<'_>, source: &Source) -> fmt::Result {
    let kind = SourceType::try_from(source.r#type).unwrap_or(SourceType::Unknown);
    f.write_str(kind.as_str_name())?;
    if source.id.is_some() || source.profile.is_some() {
        return write!(
            f,
            "({},{},{})",
            source.vendor(),
            source.id(),
            source.profile()
        );
    }
    let root = match kind {
        SourceType::Mount => source.mount.as_ref().and_then(|m| m.root.as_deref()),
        SourceType::Path => source.path.as_ref().and_then(|p| p.root.as_deref()),
        _ => None,
    };
    match root {
        Some(root) => write!(f, ":{root}"),
        None => Ok(()),
    }
}

fn write_volume(f: &mut Formatter<'_>, volume: &Volume) -> fmt::Result {
    match &volume.host_path {
        None => f.write_str(&volume.container_path),
        Some(host_path) => {
            write!(f, "{host_path}:{}", volume.container_path)?;
            match Mode::try_from(volume.mode) {
                Ok(Mode::Rw) => f.write_str(":rw"),
                Ok(Mode::Ro) => f.write_str(":ro"),
                Err(_) => Ok(()),
            }
        }
    }
}

fn write_disk(f: &mut Formatter<'_>, disk: &DiskInfo) -> fmt::Result {
    if let Some(source) = &disk.source {
        write_source(f, source)?;
    }
    if let Some(persistence) = &disk.persistence {
        if disk.source.is_some() {
            f.write_char(',')?;
        }
        f.write_str(&persistence.id)?;
    }
    if let Some(volume) = &disk.volume {
        f.write_char(':')?;
        write_volume(f, volume)?;
    }
    Ok(())
}

/// Mesos's text form of a resource, e.g.
/// `cpus(allocated: a/b)(reservations: [(DYNAMIC,a,ops)]):0.5`,
/// `ports:[31000-32000]`, `disk(reservations: [(STATIC,a)])[MOUNT:/mnt]:100`.
///
/// The parts are: the name; `(allocated: ROLE)` if allocated;
/// `(reservations: [...])` listing the reservation stack bottom to top as
/// `(TYPE,role[,principal][,{labels}])`; `[disk info]`; `{REV}` if
/// revocable; `<SHARED>` if shared; then `:` and the value. Resources in
/// the deprecated reservation format are shown as after
/// [`upgrade_format`](super::upgrade_format).
#[allow(deprecated)]
impl Display for Resource {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.reservations.is_empty() && (self.role.is_some() || self.reservation.is_some()) {
            let mut upgraded = self.clone();
            upgrade_format(&mut upgraded);
            if upgraded.role.is_none() && upgraded.reservation.is_none() {
                return Display::fmt(&upgraded, f);
            }
        }

        f.write_str(&self.name)?;

        if let Some(allocation) = &self.allocation_info {
            write!(f, "(allocated: {})", allocation.role())?;
        }

        if !self.reservations.is_empty() {
            f.write_str("(reservations: [")?;
            for (index, reservation) in self.reservations.iter().enumerate() {
                if index > 0 {
                    f.write_char(',')?;
                }
                f.write_char('(')?;
                write_reservation(f, reservation)?;
                f.write_char(')')?;
            }
            f.write_str("])")?;
        }

        if let Some(disk) = &self.disk {
            f.write_char('[')?;
            write_disk(f, disk)?;
            f.write_char(']')?;
        }

        if self.revocable.is_some() {
            f.write_str("{REV}")?;
        }

        if self.shared.is_some() {
            f.write_str("<SHARED>")?;
        }

        f.write_char(':')?;

        match value::Type::try_from(self.r#type) {
            Ok(value::Type::Scalar) => write_scalar(f, &self.scalar.unwrap_or_default()),
            Ok(value::Type::Ranges) => {
                write_ranges(f, self.ranges.as_ref().unwrap_or(&Ranges::default()))
            }
            Ok(value::Type::Set) => write_set(f, self.set.as_ref().unwrap_or(&Set::default())),
            _ => f.write_str("<unsupported value type>"),
        }
    }
}

/// Mesos's text form of a collection: its resources separated by `"; "`
/// (each as [`Resource`]'s `Display`, shared ones followed by `<count>`),
/// or `{}` when empty.
///
/// ```
/// use mesos_native::resources::Resources;
///
/// let r: Resources = "cpus:0.5;mem(tenant1):512;ports:[1-10,20-30]".parse()?;
/// assert_eq!(
///     r.to_string(),
///     "cpus:0.5; mem(reservations: [(STATIC,tenant1)]):512; ports:[1-10, 20-30]"
/// );
/// assert_eq!(Resources::new().to_string(), "{}");
/// # Ok::<(), mesos_native::resources::ResourcesError>(())
/// ```
impl Display for Resources {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return f.write_str("{}");
        }
        for (index, entry) in self.entries.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            Display::fmt(&entry.resource, f)?;
            if let Some(count) = entry.shared_count {
                write!(f, "<{count}>")?;
            }
        }
        Ok(())
    }
}
