//! Admin settings (SDK 1.27): branding, experimentation and aggregation (`/settings`).

use questkit_core::{Patch, Transport};
use serde::{Deserialize, Serialize};

use super::common::{AdminCall, Badge};

questkit_core::open_enum! {
    /// The period summaries and recaps aggregate over.
    pub enum AggregationPeriod {
        /// Weeks.
        Weekly => "weekly",
        /// Months.
        Monthly => "monthly",
    }
}

questkit_core::open_enum! {
    /// The font of Trophy's emails and pages.
    pub enum FontFamily {
        /// A modern sans-serif.
        ModernSans => "MODERN_SANS",
        /// A book sans-serif.
        BookSans => "BOOK_SANS",
        /// An organic sans-serif.
        OrganicSans => "ORGANIC_SANS",
        /// A geometric sans-serif.
        GeometricSans => "GEOMETRIC_SANS",
        /// A heavy sans-serif.
        HeavySans => "HEAVY_SANS",
        /// A rounded sans-serif.
        RoundedSans => "ROUNDED_SANS",
        /// A modern serif.
        ModernSerif => "MODERN_SERIF",
        /// A book serif.
        BookSerif => "BOOK_SERIF",
        /// A monospace font.
        Monospace => "MONOSPACE",
    }
}

/// The organisation's settings (schema `AdminSettings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminSettings {
    /// How Trophy's emails and pages look.
    pub branding: Branding,
    /// The control group.
    pub experimentation: Experimentation,
    /// The period summaries aggregate over.
    pub aggregation_period: AggregationPeriod,
}

/// Branding (schema `AdminSettingsBranding`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Branding {
    /// The app's name in emails.
    pub app_name: String,
    /// The app's URL.
    pub app_url: String,
    /// The brand colour (`#RRGGBB`).
    pub brand_color: String,
    /// The font.
    pub font: FontFamily,
    /// The logo in emails, if any.
    #[serde(default)]
    pub logo: Option<Badge>,
    /// The icon in push-notification previews, if any.
    #[serde(default)]
    pub app_icon: Option<Badge>,
}

/// Experimentation (schema `AdminSettingsExperimentation`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Experimentation {
    /// The share of new users in the control group (no Trophy messages), in percent.
    pub control_ratio: i64,
    /// The days after which a user counts as activated.
    pub user_activation_window: i64,
}

/// Changes to the settings (the body of `PATCH /settings`).
///
/// ```
/// use questkit_trophy::admin::settings::{BrandingUpdate, SettingsUpdate};
///
/// let update = SettingsUpdate::new().branding(BrandingUpdate::new().brand_color("#3366FF").clear_logo());
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     serde_json::json!({"branding": {"brandColor": "#3366FF", "logo": null}})
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SettingsUpdate {
    /// Branding changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<BrandingUpdate>,
    /// Experimentation changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimentation: Option<ExperimentationUpdate>,
    /// A new aggregation period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_period: Option<AggregationPeriod>,
}

impl SettingsUpdate {
    /// No change yet.
    pub fn new() -> Self {
        SettingsUpdate::default()
    }

    /// Changes the branding.
    pub fn branding(mut self, branding: BrandingUpdate) -> Self {
        self.branding = Some(branding);
        self
    }

    /// Changes the experimentation settings.
    pub fn experimentation(mut self, experimentation: ExperimentationUpdate) -> Self {
        self.experimentation = Some(experimentation);
        self
    }

    /// Changes the aggregation period.
    pub fn aggregation_period(mut self, period: AggregationPeriod) -> Self {
        self.aggregation_period = Some(period);
        self
    }
}

/// Branding changes (schema `UpdateAdminSettingsBranding`); the logo and icon can be cleared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BrandingUpdate {
    /// A new app name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// A new app URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
    /// A new brand colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_color: Option<String>,
    /// A new font.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<FontFamily>,
    /// A new logo, or `null` to clear it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub logo: Patch<Badge>,
    /// A new app icon, or `null` to clear it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub app_icon: Patch<Badge>,
}

impl BrandingUpdate {
    /// No change yet.
    pub fn new() -> Self {
        BrandingUpdate::default()
    }

    /// Changes the app name.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// Changes the app URL.
    pub fn app_url(mut self, url: impl Into<String>) -> Self {
        self.app_url = Some(url.into());
        self
    }

    /// Changes the brand colour.
    pub fn brand_color(mut self, color: impl Into<String>) -> Self {
        self.brand_color = Some(color.into());
        self
    }

    /// Changes the font.
    pub fn font(mut self, font: FontFamily) -> Self {
        self.font = Some(font);
        self
    }

    /// Sets the logo.
    pub fn logo(mut self, url: impl Into<String>) -> Self {
        self.logo = Patch::Set(Badge::new(url));
        self
    }

    /// Clears the logo.
    pub fn clear_logo(mut self) -> Self {
        self.logo = Patch::Clear;
        self
    }

    /// Sets the app icon.
    pub fn app_icon(mut self, url: impl Into<String>) -> Self {
        self.app_icon = Patch::Set(Badge::new(url));
        self
    }

    /// Clears the app icon.
    pub fn clear_app_icon(mut self) -> Self {
        self.app_icon = Patch::Clear;
        self
    }
}

/// Experimentation changes (schema `UpdateAdminSettingsExperimentation`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExperimentationUpdate {
    /// A new control-group share, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_ratio: Option<i64>,
    /// A new activation window, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_activation_window: Option<i64>,
}

impl ExperimentationUpdate {
    /// No change yet.
    pub fn new() -> Self {
        ExperimentationUpdate::default()
    }

    /// Changes the control-group share.
    pub fn control_ratio(mut self, percent: i64) -> Self {
        self.control_ratio = Some(percent);
        self
    }

    /// Changes the activation window.
    pub fn user_activation_window(mut self, days: i64) -> Self {
        self.user_activation_window = Some(days);
        self
    }
}

/// The settings calls (`trophy.admin().settings()`).
#[derive(Clone, Copy, Debug)]
pub struct SettingsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> SettingsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        SettingsAdmin { transport }
    }

    /// `GET /settings`: branding, experimentation and aggregation settings.
    pub fn get(&self) -> AdminCall<AdminSettings> {
        self.transport
            .get("settings", &[])
            .operation("admin.settings.get")
            .into()
    }

    /// `PATCH /settings`: changes the given settings; returns them all.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::settings::{AggregationPeriod, SettingsUpdate};
    /// let settings = trophy
    ///     .admin()
    ///     .settings()
    ///     .update(SettingsUpdate::new().aggregation_period(AggregationPeriod::Monthly))
    ///     .await?;
    /// println!("{}", settings.branding.app_name);
    /// # Ok(()) }
    /// ```
    pub fn update(&self, update: SettingsUpdate) -> AdminCall<AdminSettings> {
        self.transport
            .patch("settings", &[])
            .operation("admin.settings.update")
            .json(&update)
            .into()
    }
}
