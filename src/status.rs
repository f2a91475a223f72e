//! Status lists (scratch).

#[cfg(test)]
mod tests {
    #[test]
    fn measure() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let n = 1_000_000usize;
        let mut bytes = vec![0u8; n / 4];
        for i in 0..n {
            if rnd() % 100 == 0 {
                let v = if rnd() % 2 == 0 { 1u8 } else { 2 };
                bytes[i / 4] |= v << ((i % 4) * 2);
            }
        }
        let t = std::time::Instant::now();
        let ours = crate::deflate::zlib(&bytes);
        let t1 = t.elapsed();
        let t = std::time::Instant::now();
        let mz = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9);
        let t2 = t.elapsed();
        let t = std::time::Instant::now();
        let mz6 = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6);
        let t3 = t.elapsed();
        println!(
            "ours {} ({t1:?}) miniz9 {} ({t2:?}) miniz6 {} ({t3:?})",
            ours.len(),
            mz.len(),
            mz6.len()
        );
    }
}
