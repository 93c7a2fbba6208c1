//! Orders API: `POST gcm/reseller/campaign/{campaignId}/order`.
//!
//! One path serves every order type; the campaign decides whether it sends points,
//! collectibles, random collectibles or cashback.

pub mod models;

use questkit_core::{Error, Transport};

use crate::decode::decode_payload;

pub use models::{
    Coin, CoinId, MAX_METADATA_PAIRS, Metadata, Order, OrderCreated, OrderItems, OrderStatus,
    OrderValidationError, PointsItem, ThirdPartyUserId,
};

/// The Orders API of a [`Giftoin`](crate::Giftoin) client.
#[derive(Clone, Copy, Debug)]
pub struct Orders<'a> {
    transport: &'a Transport,
}

impl<'a> Orders<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Orders { transport }
    }

    /// Creates an order for a reseller campaign.
    ///
    /// The order is checked with [`Order::validate`] first; an invalid order fails with
    /// [`Error::InvalidInput`] without being sent. Creating an order is not idempotent and
    /// Giftoin takes no idempotency key, so the call is retried only when the request surely
    /// did not reach the server (a connection error) or on 429; never after a timeout or a
    /// 5xx, which could create the order twice.
    ///
    /// ```no_run
    /// use questkit_giftoin::{Giftoin, Order, Platform};
    ///
    /// # async fn run(giftoin: Giftoin) -> questkit_core::Result<()> {
    /// let order = Order::new(["player@example.com"])
    ///     .third_party_user_id(Platform::Discord, "123456789012345678")
    ///     .points("point_789", 100)
    ///     .metadata("source", "daily_login");
    /// let created = giftoin.orders().create("campaign_456", order).await?;
    /// println!("order {:?} is {:?}", created.order_id, created.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, campaign_id: impl AsRef<str>, order: Order) -> CreateOrder {
        let mut request = self
            .transport
            .post::<()>(
                "gcm/reseller/campaign/{campaignId}/order",
                &[campaign_id.as_ref()],
            )
            .operation("orders.create")
            .json(&order)
            .decoder(decode_payload);
        if let Err(invalid) = order.validate() {
            request.fail(Error::invalid_input(invalid.to_string()));
        }
        request.into()
    }
}

questkit_core::call! {
    /// The call of [`Orders::create`]: await it for the created order.
    pub struct CreateOrder -> OrderCreated;
}
