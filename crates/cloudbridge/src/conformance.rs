//! The provider-neutral behaviour suite.
