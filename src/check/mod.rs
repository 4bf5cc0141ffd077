pub mod dissolve;
