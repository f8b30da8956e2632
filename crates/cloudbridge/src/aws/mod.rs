//! Amazon EC2 / EBS provider.
