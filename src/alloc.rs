//! A metered global allocator: it counts the bytes each thread holds, so the script sandbox can
//! bound the memory one log's scripts build (`script/engine.rs`). Rhai's own limits bound each
//! string, array and map, not how many of them a script keeps: a rule holding sixteen maps of a
//! thousand full arrays reached 2.5 GB and aborted the process.
//!
//! The binary installs it around mimalloc (`main.rs`); a program using the library with
//! another allocator (the Python package) has no count, and its scripts only the time budget.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (freed memory allocated elsewhere
    /// makes it smaller: only differences over one evaluation are read).
    static HELD: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // A thread-local without a destructor is always there; `try_with` rather than a panic
    // inside the allocator all the same.
    HELD.try_with(|h| h.set(h.get().wrapping_add(delta))).ok();
}

/// Bytes this thread holds by the meter's count (0 without the metered allocator).
pub fn thread_held() -> isize {
    HELD.try_with(Cell::get).unwrap_or(0)
}

/// Wraps an allocator and counts, per thread, what it hands out and takes back.
pub struct Metered<A>(pub A);

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every call is forwarded to the wrapped allocator with the caller's arguments; the
// count is a thread-local integer that allocates nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Metered<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            count(signed(layout.size()));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            count(signed(layout.size()));
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc` is passed on unchanged.
        unsafe { self.0.dealloc(ptr, layout) };
        count(-signed(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on unchanged.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(signed(new_size) - signed(layout.size()));
        }
        p
    }
}
