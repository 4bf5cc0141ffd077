fn main() {
    println!("pcn-atlas");
}
