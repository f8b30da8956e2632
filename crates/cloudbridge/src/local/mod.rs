//! The embedded local provider.
