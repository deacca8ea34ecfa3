//! Status values of the queue. The service may add values; an unknown one is
//! kept as `Other` instead of failing the whole answer. A value may have
//! other spellings the service is known to use (`canceled` for `cancelled`):
//! they read as the same value, which writes itself in its main spelling.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)*,)* }) => {
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
                    $($text $(| $alias)* => Self::$variant,)*
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
        /// Finished with outputs (undocumented on this endpoint; the
        /// provider's clients treat it as final).
        Succeeded = "succeeded",
        /// Finished without outputs (undocumented on this endpoint; the
        /// result endpoint carries the error).
        Failed = "failed",
        /// Cancelled while queued (also spelled `canceled`).
        Cancelled = "cancelled" | "canceled",
    }
}

open_enum! {
    /// State of a request on the result endpoint.
    ResultStatus {
        /// Finished with an `output`.
        Succeeded = "succeeded",
        /// Finished with an `output` (the provider's clients accept it as
        /// `succeeded`).
        Completed = "completed",
        /// Finished with an `error`.
        Failed = "failed",
        /// Waiting for a worker.
        InQueue = "in_queue",
        /// Running.
        InProgress = "in_progress",
        /// Cancelled while queued (also spelled `canceled`).
        Cancelled = "cancelled" | "canceled",
    }
}

open_enum! {
    /// Whether a cancel took effect.
    CancelOutcome {
        /// The request was queued and will never run (also spelled `canceled`).
        Cancelled = "cancelled" | "canceled",
        /// The request is running or finished: it runs to completion and is billed.
        NotCancellable = "not_cancellable",
    }
}

impl QueueStatus {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Succeeded | Self::Failed | Self::Cancelled
        )
    }

    /// Whether the request finished and its result is to be read (succeeded
    /// or failed; not cancelled).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Completed | Self::Succeeded | Self::Failed)
    }
}

impl ResultStatus {
    /// Whether the request will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Completed | Self::Failed | Self::Cancelled
        )
    }

    /// Whether the job finished with outputs (`succeeded` or `completed`).
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Completed)
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

    #[test]
    fn both_spellings_of_cancelled_are_one_value_on_every_endpoint() {
        for text in [r#""cancelled""#, r#""canceled""#] {
            let queue: QueueStatus = serde_json::from_str(text).expect("parses");
            let result: ResultStatus = serde_json::from_str(text).expect("parses");
            let cancel: CancelOutcome = serde_json::from_str(text).expect("parses");
            assert_eq!(queue, QueueStatus::Cancelled);
            assert_eq!(result, ResultStatus::Cancelled);
            assert_eq!(cancel, CancelOutcome::Cancelled);
            assert_eq!(queue.as_str(), "cancelled");
        }
    }

    #[test]
    fn every_final_status_the_providers_clients_know_is_terminal() {
        for text in ["completed", "succeeded", "failed", "cancelled", "canceled"] {
            assert!(QueueStatus::from(text).is_terminal(), "{text}");
        }
        for text in ["in_queue", "in_progress", "paused"] {
            assert!(!QueueStatus::from(text).is_terminal(), "{text}");
        }
        assert!(!QueueStatus::Cancelled.is_finished());
        assert!(QueueStatus::Failed.is_finished());
        assert!(ResultStatus::from("completed").is_success());
        assert!(ResultStatus::from("succeeded").is_success());
        assert!(!ResultStatus::from("failed").is_success());
    }
}
