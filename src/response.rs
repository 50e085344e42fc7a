//! Response-code taxonomy.
