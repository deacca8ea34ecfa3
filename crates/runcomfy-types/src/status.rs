//! Status values of the queue. The service may add values; an unknown one is
//! kept as `Other` instead of failing the whole answer.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this build does not know, as the service sent it.
            Other(String),
        }

        impl $name {
            /// The value as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from(text.as_ref()))
            }
        }
    };
}

open_enum! {
    /// State of a request on the status endpoint.
    QueueStatus {
        /// Waiting for a worker; `queue_position` says where.
        InQueue = "in_queue",
        /// Running.
        InProgress = "in_progress",
        /// Finished: succeeded or failed (the result endpoint says which).
        Completed = "completed",
        /// Cancelled while queued.
        Cancelled = "cancelled",
    }
}

open_enum! {
    /// State of a request on the result endpoint.
    ResultStatus {
        /// Finished with an `output`.
        Succeeded = "succeeded",
        /// Finished with an `error`.
        Failed = "failed",
        /// Waiting for a worker.
        InQueue = "in_queue",
        /// Running.
        InProgress = "in_progress",
        /// Cancelled while queued.
        Cancelled = "cancelled",
    }
}

open_enum! {
    /// Whether a cancel took effect.
    CancelOutcome {
        /// The request was queued and will never run.
        Cancelled = "cancelled",
        /// The request is running or finished: it runs to completion and is billed.
        NotCancellable = "not_cancellable",
    }
}

impl QueueStatus {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }
}

impl ResultStatus {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept() {
        let parsed: Vec<QueueStatus> =
            serde_json::from_str(r#"["in_queue","in_progress","completed","cancelled","paused"]"#)
                .expect("parses");
        assert_eq!(parsed[0], QueueStatus::InQueue);
        assert_eq!(parsed[4], QueueStatus::Other("paused".into()));
        assert_eq!(
            serde_json::to_string(&parsed).expect("serializes"),
            r#"["in_queue","in_progress","completed","cancelled","paused"]"#
        );
        let outcome: CancelOutcome = serde_json::from_str(r#""not_cancellable""#).expect("parses");
        assert_eq!(outcome, CancelOutcome::NotCancellable);
        assert!(ResultStatus::from("failed").is_terminal());
        assert!(!ResultStatus::from("queued_for_gpu").is_terminal());
    }
}
