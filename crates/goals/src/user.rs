//! The `user/` resource: an explicit login.

use questkit_core::SecretString;

use crate::Goals;
use crate::auth::LoginTokens;
use crate::token::login_request;

/// The user resource: `client.user()`.
#[derive(Debug, Clone, Copy)]
pub struct User<'a> {
    client: &'a Goals,
}

impl<'a> User<'a> {
    pub(crate) fn new(client: &'a Goals) -> Self {
        User { client }
    }

    /// `POST user/login/`: logs a user in and returns their tokens, without storing them in
    /// the client (the client's own login is configured with
    /// [`GoalsBuilder::login`](crate::GoalsBuilder::login)). A refused login is an
    /// [`Error::Api`](questkit_core::Error::Api) with status 401 and the server's `code`
    /// (`no_active_account`, ...).
    ///
    /// The call is marked sensitive (see [`questkit_core::Request::sensitive`]): its errors keep
    /// no response body, not even for `body()`, and it never follows a redirect to another
    /// origin ([`Error::Redirect`](questkit_core::Error::Redirect)). The refresh call is too.
    ///
    /// ```no_run
    /// # async fn run(goals: questkit_goals::Goals) -> questkit_core::Result<()> {
    /// let tokens = goals.user().login("distributor-42", "s3cret").await?;
    /// println!("logged in; refresh token present: {}", tokens.refresh().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn login(&self, username: &str, password: impl Into<SecretString>) -> LoginCall {
        LoginCall::from(login_request(
            self.client.transport(),
            username,
            &password.into(),
        ))
    }
}

questkit_core::call! {
    /// The login call; see [`User::login`].
    pub struct LoginCall -> LoginTokens;
}
