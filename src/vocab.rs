//! The closed vocabularies and value types that more than one stage reads: the patient log's
//! enums (`Symptom`, `SessionKind`, `Pain`, ...), the protocol's (`Status`, `Category`,
//! `Grade`, `ParamValue`, ...), decisions, and the range-checked quantities (`Date`, `Rating`,
//! `Tenths`) with their deserialisers. They live below `syntax` so that parsing can refuse a
//! bad value at its own line and column while `model` keeps the same types, without `syntax`
//! and `model` importing each other (docs/architecture.md).

pub mod decision;
pub mod log;
pub mod protocol;
pub mod quantity;
pub mod script;
