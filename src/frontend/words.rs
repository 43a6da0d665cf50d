//! The instruction words a block translation reads: fetched once each, in
//! address order, a run of consecutive words at a time where the source
//! can give one.

/// Where instruction words come from.
pub trait Fetch {
    /// Fills `out` with the words at `addr`, `addr + 4`, ... as far as the
    /// source reads them in one go (at least the word at `addr`), and
    /// returns how many; 0 when the word at `addr` cannot be read (an
    /// unmapped or non-executable page).
    fn run(&mut self, addr: u64, out: &mut [u32; RUN]) -> usize;
}

/// Most words one [`Fetch::run`] gives.
pub const RUN: usize = 8;

/// A function reading one word, or `None` when the address is not
/// executable, gives runs of one word.
impl<F: FnMut(u64) -> Option<u32> + ?Sized> Fetch for F {
    fn run(&mut self, addr: u64, out: &mut [u32; RUN]) -> usize {
        match self(addr) {
            Some(w) => {
                out[0] = w;
                1
            }
            None => 0,
        }
    }
}

/// The words of one block: the last run read, and the few words a
/// look-ahead read beyond it before their turn.
pub(super) struct Words<'a> {
    fetch: &'a mut dyn Fetch,
    /// Guest address of `run[0]`.
    start: u64,
    len: usize,
    run: [u32; RUN],
    ahead: Vec<(u64, Option<u32>)>,
}

impl<'a> Words<'a> {
    pub(super) fn new(fetch: &'a mut dyn Fetch) -> Self {
        Words {
            fetch,
            start: 0,
            len: 0,
            run: [0; RUN],
            ahead: Vec::new(),
        }
    }

    /// The word at `addr` from the last run, if it holds it.
    #[inline]
    fn in_run(&self, addr: u64) -> Option<u32> {
        let i = addr.wrapping_sub(self.start) / 4;
        (addr.is_multiple_of(4) && i < self.len as u64).then(|| self.run[i as usize])
    }

    /// The word at `addr`, the next one the block translates. Inline: most
    /// come from the run.
    #[inline]
    pub(super) fn get(&mut self, addr: u64) -> Option<u32> {
        match self.in_run(addr) {
            Some(w) if self.ahead.is_empty() => Some(w),
            _ => self.get_outside(addr),
        }
    }

    /// [`Words::get`] of a word peeked at or outside the run: a new run is
    /// read from `addr`.
    #[inline(never)]
    fn get_outside(&mut self, addr: u64) -> Option<u32> {
        if let Some(i) = self.ahead.iter().position(|&(a, _)| a == addr) {
            return self.ahead.drain(..=i).next_back().and_then(|(_, w)| w);
        }
        if let Some(w) = self.in_run(addr) {
            return Some(w);
        }
        self.start = addr;
        self.len = self.fetch.run(addr, &mut self.run);
        (self.len > 0).then_some(self.run[0])
    }

    /// The word at `addr`, beyond the one being translated (peeked at in
    /// address order), left for [`Words::get`].
    pub(super) fn peek(&mut self, addr: u64) -> Option<u32> {
        if let Some(w) = self.in_run(addr) {
            return Some(w);
        }
        if let Some(&(_, w)) = self.ahead.iter().find(|&&(a, _)| a == addr) {
            return w;
        }
        let mut one = [0; RUN];
        let w = (self.fetch.run(addr, &mut one) > 0).then_some(one[0]);
        self.ahead.push((addr, w));
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source of runs of up to three words, counting its reads.
    struct Runs {
        reads: Vec<u64>,
    }

    impl Fetch for Runs {
        fn run(&mut self, addr: u64, out: &mut [u32; RUN]) -> usize {
            self.reads.push(addr);
            if addr >= 0x2000 {
                return 0;
            }
            for (i, w) in out.iter_mut().take(3).enumerate() {
                *w = (addr / 4) as u32 + i as u32;
            }
            3
        }
    }

    #[test]
    fn words_come_from_runs_read_once_each() {
        let mut src = Runs { reads: Vec::new() };
        let mut words = Words::new(&mut src);
        for a in (0x1000..0x1018).step_by(4) {
            assert_eq!(words.get(a), Some((a / 4) as u32), "{a:#x}");
        }
        // A peek inside the run reads nothing; one beyond it reads a word
        // that the next get finds.
        assert_eq!(words.peek(0x1018), Some(0x406));
        assert_eq!(words.get(0x1018), Some(0x406));
        assert_eq!(words.get(0x2000), None);
        assert_eq!(src.reads, [0x1000, 0x100c, 0x1018, 0x2000]);
    }

    #[test]
    fn a_function_gives_one_word_a_run() {
        let mut calls = 0;
        let mut f = |a: u64| {
            calls += 1;
            (a < 0x1008).then_some(a as u32)
        };
        let mut words = Words::new(&mut f);
        assert_eq!(words.get(0x1000), Some(0x1000));
        assert_eq!(words.peek(0x1004), Some(0x1004));
        assert_eq!(words.get(0x1004), Some(0x1004));
        assert_eq!(words.get(0x1008), None);
        drop(words);
        assert_eq!(calls, 3);
    }
}
