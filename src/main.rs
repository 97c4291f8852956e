//! The `fupin` command line.
fn main() {}
