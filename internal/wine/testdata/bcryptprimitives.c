/*
 * bcryptprimitives.dll shim for Wine 8.0 (reference/toolchain.md §8.3).
 *
 * Go 1.26 Windows executables take their random numbers from ProcessPrng in
 * bcryptprimitives.dll, which they load from system32; Wine 8.0 has no such
 * DLL, so every Go program aborts at start-up with
 * "fatal error: bcryptprimitives.dll not found". This DLL exports ProcessPrng
 * on top of advapi32's RtlGenRandom (SystemFunction036), which Wine has.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -shared -s -o bcryptprimitives.dll \
 *            bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom is exported by advapi32 as SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a 32-bit length: fill the buffer in chunks. */
	while (len > 0) {
		ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		len -= chunk;
	}
	/* The real ProcessPrng is documented to always return TRUE. */
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst;
	(void)reason;
	(void)reserved;
	return TRUE;
}
