//! Frame buffers the writer has copied out, kept on its thread for the next request's frame.
//!
//! A frame is made by the task that sends the request and dropped by the writer once copied,
//! often on the other worker thread. Freed there, glibc's allocator locks the arena the frame
//! came from against the thread that made it: `perf` counted about 40,000 `futex` calls a second
//! from those locks at 64 requests in flight. Kept here and reused by the next request made on
//! the same thread, a buffer goes back and forth between the threads without being freed. At
//! 64 requests in flight that took the channel from 306k to 344k round trips a second (means of
//! five alternating runs each, `benches/NET.md`).

use std::cell::RefCell;

use bytes::BytesMut;

/// At most this many spare buffers a thread.
const KEEP: usize = 256;

/// Buffers of more capacity than this (a rare large message) are freed, not kept.
const LARGEST: usize = 4096;

thread_local! {
    static SPARE: RefCell<Vec<BytesMut>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer: a spare one of this thread, or a new one.
pub(super) fn take() -> BytesMut {
    SPARE
        .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps `buf` for a later [`take`] on this thread, when there is room.
pub(super) fn give(buf: BytesMut) {
    if buf.capacity() > LARGEST {
        return;
    }
    let _ = SPARE.try_with(move |spare| {
        if let Ok(mut spare) = spare.try_borrow_mut() {
            if spare.len() < KEEP {
                let mut buf = buf;
                buf.clear();
                spare.push(buf);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{give, take, KEEP, LARGEST};
    use bytes::BytesMut;

    #[test]
    fn gives_back_an_empty_buffer_with_its_room_and_keeps_only_so_many() {
        let mut buf = BytesMut::with_capacity(300);
        buf.extend_from_slice(b"a frame");
        let at = buf.as_ptr();
        give(buf);
        let again = take();
        assert!(again.is_empty());
        assert!(again.capacity() >= 300);
        assert_eq!(again.as_ptr(), at);
        // A large one is not kept.
        give(BytesMut::with_capacity(LARGEST + 1));
        assert_eq!(take().capacity(), 0);
        for _ in 0..KEEP + 10 {
            give(BytesMut::with_capacity(64));
        }
        let kept = std::iter::from_fn(|| Some(take()))
            .take_while(|b| b.capacity() > 0)
            .count();
        assert_eq!(kept, KEEP);
    }
}
