# One place for the build rules every TenantDesk target shares (see STYLE.md).
add_library(tenantdesk_config INTERFACE)
target_compile_features(tenantdesk_config INTERFACE cxx_std_20)
target_compile_definitions(tenantdesk_config INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    TENANTDESK_VERSION="${PROJECT_VERSION}")
target_compile_options(tenantdesk_config INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough
    # Designated initializers that leave members at their defaults are intended.
    -Wno-missing-field-initializers)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # A read-only GOT (relro with bindnow), as Debian builds its packages (lintian: hardening-no-bindnow).
    target_link_options(tenantdesk_config INTERFACE LINKER:-z,relro LINKER:-z,now)
endif()
if(TENANTDESK_WERROR)
    target_compile_options(tenantdesk_config INTERFACE -Werror)
endif()
if(TENANTDESK_SANITIZE)
    target_compile_options(tenantdesk_config INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(tenantdesk_config INTERFACE -fsanitize=address,undefined)
endif()
if(TENANTDESK_FUZZ)
    # Coverage feedback for libFuzzer in every library a fuzz target links (the targets add
    # -fsanitize=fuzzer themselves, which brings libFuzzer's main).
    target_compile_options(tenantdesk_config INTERFACE -fsanitize=fuzzer-no-link)
endif()
