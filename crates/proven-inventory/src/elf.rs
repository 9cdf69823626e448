//! A minimal ELF reader: section headers, section contents by name, and reads at virtual
//! addresses. Enough to find Go's `.go.buildinfo` and cargo-auditable's `.dep-v0` in
//! executables, written here rather than pulling in a general object-file crate: the inventory
//! reads untrusted binaries and needs a few dozen bounds-checked reads, nothing more.

/// An ELF file's sections (the bytes are borrowed).
#[derive(Debug)]
pub struct Elf<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    sections: Vec<Section<'a>>,
}

#[derive(Debug)]
struct Section<'a> {
    name: &'a [u8],
    /// Virtual address when loaded (0 for sections that are not).
    addr: u64,
    offset: u64,
    size: u64,
    /// `SHT_NOBITS` sections (`.bss`) occupy no file bytes.
    nobits: bool,
}

const SHT_NOBITS: u32 = 8;

impl<'a> Elf<'a> {
    /// Whether the bytes start like an ELF file.
    pub fn is_elf(bytes: &[u8]) -> bool {
        bytes.starts_with(b"\x7fELF")
    }

    /// Reads the section headers.
    pub fn parse(bytes: &'a [u8]) -> Result<Elf<'a>, String> {
        if !Elf::is_elf(bytes) {
            return Err("not an ELF file".into());
        }
        let is_64 = match bytes.get(4) {
            Some(1) => false,
            Some(2) => true,
            _ => return Err("unknown ELF class".into()),
        };
        let big_endian = match bytes.get(5) {
            Some(1) => false,
            Some(2) => true,
            _ => return Err("unknown ELF byte order".into()),
        };
        let mut elf = Elf {
            bytes,
            big_endian,
            sections: Vec::new(),
        };
        let (shoff, shentsize, shnum, shstrndx) = if is_64 {
            (
                elf.u(0x28, 8),
                elf.u(0x3a, 2),
                elf.u(0x3c, 2),
                elf.u(0x3e, 2),
            )
        } else {
            (
                elf.u(0x20, 4),
                elf.u(0x2e, 2),
                elf.u(0x30, 2),
                elf.u(0x32, 2),
            )
        };
        let (Some(shoff), Some(shentsize), Some(shnum), Some(shstrndx)) =
            (shoff, shentsize, shnum, shstrndx)
        else {
            return Err("truncated ELF header".into());
        };
        let mut raw = Vec::new();
        for i in 0..shnum {
            let at = shoff
                .checked_add(i.checked_mul(shentsize).ok_or("section table overflows")?)
                .ok_or("section table overflows")?;
            let at = usize::try_from(at).map_err(|_| "section table offset overflows")?;
            let f = |off: usize, len: usize| elf.u(at.saturating_add(off), len);
            let (Some(name), Some(ty), Some(addr), Some(offset), Some(size)) = (if is_64 {
                (f(0, 4), f(4, 4), f(0x10, 8), f(0x18, 8), f(0x20, 8))
            } else {
                (f(0, 4), f(4, 4), f(0x0c, 4), f(0x10, 4), f(0x14, 4))
            }) else {
                return Err(format!("section header {i} is truncated"));
            };
            raw.push((name, ty, addr, offset, size));
        }
        let strtab = raw
            .get(usize::try_from(shstrndx).unwrap_or(usize::MAX))
            .and_then(|&(_, _, _, off, size)| slice(bytes, off, size));
        for (name, ty, addr, offset, size) in raw {
            let name = strtab
                .and_then(|t| t.get(usize::try_from(name).ok()?..))
                .map(|t| &t[..t.iter().position(|&b| b == 0).unwrap_or(t.len())])
                .unwrap_or_default();
            elf.sections.push(Section {
                name,
                addr,
                offset,
                size,
                nobits: ty == u64::from(SHT_NOBITS),
            });
        }
        Ok(elf)
    }

    /// An unsigned integer of `len` bytes in the file's byte order.
    fn u(&self, at: usize, len: usize) -> Option<u64> {
        let b = self.bytes.get(at..at.checked_add(len)?)?;
        Some(read_uint(b, self.big_endian))
    }

    /// The file bytes of a section, by name.
    pub fn section(&self, name: &str) -> Option<&'a [u8]> {
        self.sections
            .iter()
            .find(|s| s.name == name.as_bytes() && !s.nobits)
            .and_then(|s| slice(self.bytes, s.offset, s.size))
    }

    /// `len` bytes at a virtual address, from the section that holds them.
    pub fn at_address(&self, addr: u64, len: u64) -> Option<&'a [u8]> {
        let s = self.sections.iter().find(|s| {
            !s.nobits
                && s.addr != 0
                && addr >= s.addr
                && addr
                    .checked_add(len)
                    .is_some_and(|end| s.addr.checked_add(s.size).is_some_and(|e| end <= e))
        })?;
        slice(self.bytes, s.offset.checked_add(addr - s.addr)?, len)
    }
}

/// An unsigned integer from 1 to 8 bytes.
pub fn read_uint(b: &[u8], big_endian: bool) -> u64 {
    let fold = |a: u64, &x: &u8| a << 8 | u64::from(x);
    if big_endian {
        b.iter().fold(0, fold)
    } else {
        b.iter().rev().fold(0, fold)
    }
}

fn slice(bytes: &[u8], offset: u64, size: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(size).ok()?)?;
    bytes.get(start..end)
}
