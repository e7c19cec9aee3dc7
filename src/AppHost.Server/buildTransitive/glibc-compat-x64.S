/* Binds log and pow to their oldest versions, so the native file needs no glibc newer than 2.17.
   A sysroot of glibc 2.31 still leaves these two at GLIBC_2.29 (glibc 2.29 made them faster and
   changed only how they set errno); every other symbol the runtime uses is at 2.17 or older.
   The link passes --wrap=log --wrap=pow, which sends every call to __wrap_log and __wrap_pow
   here, and these jump to the old versions that glibc still exports. (AppHost.Server.Glibc.targets) */
        .text
        .symver log_glibc_2_2_5, log@GLIBC_2.2.5
        .symver pow_glibc_2_2_5, pow@GLIBC_2.2.5

        .globl  __wrap_log
        .type   __wrap_log, @function
__wrap_log:
        jmp     log_glibc_2_2_5@PLT
        .size   __wrap_log, .-__wrap_log

        .globl  __wrap_pow
        .type   __wrap_pow, @function
__wrap_pow:
        jmp     pow_glibc_2_2_5@PLT
        .size   __wrap_pow, .-__wrap_pow

        .section .note.GNU-stack,"",@progbits
