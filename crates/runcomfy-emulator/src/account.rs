//! The account's balance ([`Account`]): a submit's cost is taken from it
//! before the job is queued, and given back when the job is cancelled while
//! queued or fails. Unlimited unless a balance is configured; one balance
//! for every token, as the emulator is one account.

use std::sync::{Mutex, PoisonError};

use crate::pricing::Cost;

/// The balance: `None` is unlimited.
#[derive(Debug, Default)]
pub(crate) struct Account {
    balance: Mutex<Option<Cost>>,
}

/// Why a charge was refused: the balance it would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Insufficient {
    /// What is left.
    pub(crate) balance: Cost,
}

impl Account {
    /// An account holding `balance_usd` (`None`: unlimited).
    pub(crate) fn new(balance_usd: Option<f64>) -> Self {
        Self {
            balance: Mutex::new(balance_usd.map(Cost::from_usd)),
        }
    }

    /// Takes `cost` from the balance, or refuses when it holds less.
    pub(crate) fn charge(&self, cost: Cost) -> Result<(), Insufficient> {
        let mut balance = self.balance.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(held) = *balance else {
            return Ok(());
        };
        let left = held
            .checked_sub(cost)
            .ok_or(Insufficient { balance: held })?;
        *balance = Some(left);
        Ok(())
    }

    /// Gives `cost` back.
    pub(crate) fn refund(&self, cost: Cost) {
        let mut balance = self.balance.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = *balance {
            *balance = Some(held.saturating_add(cost));
        }
    }

    /// What is left (`None`: unlimited).
    pub(crate) fn balance(&self) -> Option<Cost> {
        *self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_taken_refused_beyond_the_balance_and_given_back() {
        let account = Account::new(Some(1.0));
        assert_eq!(account.charge(Cost::from_usd(0.6)), Ok(()));
        assert_eq!(
            account.charge(Cost::from_usd(0.6)),
            Err(Insufficient {
                balance: Cost::from_usd(0.4)
            })
        );
        account.refund(Cost::from_usd(0.6));
        assert_eq!(account.balance(), Some(Cost::from_usd(1.0)));
        let unlimited = Account::new(None);
        assert_eq!(unlimited.charge(Cost::from_usd(1e9)), Ok(()));
        unlimited.refund(Cost::from_usd(1.0));
        assert_eq!(unlimited.balance(), None);
    }
}
