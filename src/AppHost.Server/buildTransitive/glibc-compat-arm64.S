/* The arm64 twin of glibc-compat-x64.S: on aarch64 the oldest versions of log and pow are
   GLIBC_2.17, the first glibc for aarch64. */
        .text
        .symver log_glibc_2_17, log@GLIBC_2.17
        .symver pow_glibc_2_17, pow@GLIBC_2.17

        .globl  __wrap_log
        .type   __wrap_log, %function
__wrap_log:
        b       log_glibc_2_17
        .size   __wrap_log, .-__wrap_log

        .globl  __wrap_pow
        .type   __wrap_pow, %function
__wrap_pow:
        b       pow_glibc_2_17
        .size   __wrap_pow, .-__wrap_pow

        .section .note.GNU-stack,"",%progbits
