//! Ids the sandbox hands out (UUIDs, PowerTalk localIDs, OneTalk case ids, tickets).

/// A small xorshift generator: ids only need to be unique and well formed,
/// and a crate dependency for that would outweigh the code.
#[derive(Debug)]
pub struct Ids {
    state: u64,
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX_UPPER: &[u8] = b"0123456789ABCDEF";

impl Ids {
    pub fn seeded() -> Ids {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let addr = &nanos as *const u64 as u64;
        Ids {
            state: (nanos ^ addr.rotate_left(32)) | 1,
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4 UUID, as SendTalk message ids and OneTalk contact ids look.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }

    /// OneTalk case ids: 10 upper-case hex characters ("96212160DF").
    pub fn case_id(&mut self) -> String {
        self.pick(HEX_UPPER, 10)
    }

    /// PowerTalk local ids: 32 alphanumerics.
    pub fn local_id(&mut self) -> String {
        self.pick(ALNUM, 32)
    }
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn ids_have_the_vendor_shapes() {
        let mut ids = Ids::seeded();
        let uuid = ids.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_eq!(ids.case_id().len(), 10);
        let local = ids.local_id();
        assert_eq!(local.len(), 32);
        assert!(local.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(ids.local_id(), local);
    }
}
