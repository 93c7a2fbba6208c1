//! Events: the vocabulary of platform events and custom events that drive achievements.

mod models;

pub use models::{CustomEvent, CustomEventReceipt, EventCategory, EventSubCategory};

use crate::client::Nudj;

/// Custom events, on the admin API: `POST /api/v2/admin/events/custom`.
#[derive(Clone, Copy, Debug)]
pub struct Events<'a> {
    nudj: &'a Nudj,
}

impl<'a> Events<'a> {
    pub(crate) fn new(nudj: &'a Nudj) -> Self {
        Events { nudj }
    }

    /// Records a custom event for a user; achievements whose queries match its name progress.
    ///
    /// The call goes to the admin API of the same host. It is not idempotent (Nudj takes no
    /// idempotency key), so it is retried only when it surely did not reach the server.
    ///
    /// ```no_run
    /// use questkit_nudj::CustomEvent;
    ///
    /// # async fn run(nudj: questkit_nudj::Nudj) -> questkit_core::Result<()> {
    /// let receipt = nudj
    ///     .events()
    ///     .custom(CustomEvent::new("purchase", "customer-8812").attribute("amount", 25))
    ///     .await?;
    /// println!("recorded for Nudj user {:?}", receipt.user_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn custom(&self, event: CustomEvent) -> RecordCustomEvent {
        RecordCustomEvent::from(
            self.nudj
                .admin_transport()
                .post("events/custom", &[])
                .operation("events.custom")
                .json(&event),
        )
    }
}

questkit_core::call! {
    /// The call of [`Events::custom`].
    pub struct RecordCustomEvent -> CustomEventReceipt;
}
