//! The platforms Giftoin identifies users on.

questkit_core::open_enum! {
    /// The platform a user ID belongs to (the `{platform}` path segment and the `type` of a
    /// third-party user ID in an order).
    ///
    /// Giftoin names `discord` and `roblox`; any other string is kept as
    /// [`Platform::Unknown`] and sent as is, so a platform added later works without an update.
    ///
    /// ```
    /// use questkit_giftoin::Platform;
    ///
    /// assert_eq!(Platform::from("discord"), Platform::Discord);
    /// assert_eq!(Platform::from("wordpress").as_str(), "wordpress");
    /// ```
    pub enum Platform {
        /// Discord user IDs (snowflakes such as `123456789012345678`).
        Discord => "discord",
        /// Roblox user IDs.
        Roblox => "roblox",
    }
}
