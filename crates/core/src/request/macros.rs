//! The macros vendor crates use to declare their call values and builder setters.

/// Declares a typed call value wrapping a [`Request`](crate::Request): the vendor crates' calls.
///
/// The generated struct has a private `inner: Request<T>` (vendor setters change it), the
/// shared per-call options (`timeout`, `max_retries`, `header`), `send`, `send_raw` and
/// `IntoFuture`, so `client.users().get("id").timeout(d).await` works.
///
/// ```
/// use questkit_core::{Transport, call};
///
/// call! {
///     /// Fetches a thing.
///     pub struct GetThing -> serde_json::Value;
/// }
///
/// impl GetThing {
///     /// Includes archived things.
///     pub fn archived(mut self, yes: bool) -> Self {
///         self.inner = self.inner.query("archived", yes);
///         self
///     }
/// }
///
/// let transport = Transport::builder("demo").base_url("https://api.example").build().unwrap();
/// let call = GetThing::from(transport.get("things/{id}", &["7"])).archived(true);
/// # drop(call);
/// ```
#[macro_export]
macro_rules! call {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident -> $output:ty;
    ) => {
        $(#[$meta])*
        #[must_use = "a call does nothing until it is awaited or sent"]
        #[derive(Debug)]
        $vis struct $name {
            inner: $crate::Request<$output>,
        }

        impl ::std::convert::From<$crate::Request<$output>> for $name {
            fn from(inner: $crate::Request<$output>) -> Self {
                $name { inner }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// The total timeout of each attempt of this call (overrides the client's).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// How many retries this call may make (overrides the client's).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.inner = self.inner.max_retries(retries);
                self
            }

            /// The total deadline of this call, retries and waits included (overrides the
            /// client's).
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.inner = self.inner.deadline(deadline);
                self
            }

            /// Adds a header to this call only.
            pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.inner = self.inner.header(name, value);
                self
            }

            /// Sends the call and decodes the response.
            pub fn send(self) -> $crate::ResponseFuture<$output> {
                self.inner.send()
            }

            /// Sends the call and returns the raw success response (status, headers, request
            /// id, body), for fields the models do not have yet.
            pub fn send_raw(
                self,
            ) -> impl ::std::future::Future<Output = $crate::Result<$crate::RawResponse>> + Send
            {
                self.inner.send_raw()
            }

            /// The underlying request (method, path, query, body).
            pub fn request(&self) -> &$crate::Request<$output> {
                &self.inner
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::ResponseFuture<$output>;

            fn into_future(self) -> Self::IntoFuture {
                self.inner.send()
            }
        }
    };
}

/// Generates the client-builder setters every vendor client shares, forwarding to a
/// [`crate::TransportBuilder`] field. Use inside an `impl` block:
/// `questkit_core::transport_setters!(transport);`.
#[macro_export]
macro_rules! transport_setters {
    ($field:ident) => {
        /// The base URL (a mock server, a proxy, a regional host). Its path is kept.
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.$field = self.$field.base_url(url);
            self
        }

        /// The total timeout of one attempt, body included (default 30 s).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.timeout(timeout);
            self
        }

        /// The connect timeout (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.connect_timeout(timeout);
            self
        }

        /// How many retries after a failed attempt (default 2).
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.$field = self.$field.max_retries(retries);
            self
        }

        /// The whole retry policy.
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field = self.$field.retry_policy(policy);
            self
        }

        /// Builds the HTTP client from your `reqwest::ClientBuilder` (proxy, TLS, pool
        /// settings); questkit turns its redirects off, following them itself so that
        /// credentials never reach another origin.
        pub fn http_client(mut self, builder: $crate::reqwest::ClientBuilder) -> Self {
            self.$field = self.$field.http_client(builder);
            self
        }

        /// Shares a `reqwest::Client` you already have, unchecked: build it with
        /// `redirect::Policy::none()`, or it may carry the key to another host on a redirect.
        pub fn http_client_unchecked(mut self, client: $crate::reqwest::Client) -> Self {
            self.$field = self.$field.http_client_unchecked(client);
            self
        }

        /// Takes a permit from `limiter` before every attempt, and pauses the call's bucket for
        /// everyone sharing the limiter after a 429 (see `questkit_core::rate_limit`).
        pub fn rate_limiter(
            mut self,
            limiter: ::std::sync::Arc<dyn $crate::rate_limit::RateLimiter>,
        ) -> Self {
            self.$field = self.$field.rate_limiter(limiter);
            self
        }

        /// The total deadline of each call, retries and waits included (default 2 minutes;
        /// `None` for none).
        pub fn deadline(mut self, deadline: ::std::option::Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.deadline(deadline);
            self
        }

        /// The largest response body accepted (default 16 MiB).
        pub fn max_body_size(mut self, bytes: usize) -> Self {
            self.$field = self.$field.max_body_size(bytes);
            self
        }

        /// Allows a plain `http://` base URL on a host other than loopback.
        pub fn allow_insecure_http(mut self, allow: bool) -> Self {
            self.$field = self.$field.allow_insecure_http(allow);
            self
        }

        /// Appends a product token to the `questkit/<version>` user agent.
        pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
            self.$field = self.$field.user_agent(suffix);
            self
        }
    };
}
