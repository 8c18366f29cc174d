Feature: Variable size limits
  A non-volatile variable's name (UTF-16 with its NUL) plus its data may not exceed
  the platform's maximum variable size less the store's per-variable header. In the
  default profile (OVMF 4 MB: PcdMaxVariableSize 0x8400, authenticated store with
  60-byte headers) that is 33732 bytes. Larger requests are EFI_INVALID_PARAMETER,
  whether the runtime driver or the SMM handler refuses them.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # ref 3.4.1 #8: 22-byte name + 33710 bytes = 33732 = 0x8400 - 60
  Scenario Outline: A <attrs> variable of exactly the largest size is stored
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes <attrs> to 33710 bytes of 0xA5
    Then the status is EFI_SUCCESS
    When I get the variable "HilMaxSize" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data size is 33710
    And the data is 33710 bytes of 0xA5

    Examples:
      | attrs      |
      | NV\|BS\|RT |
      | NV\|BS     |

  # 22-byte name + data. The SMM core refuses name + data above 33732 (ref 3.4.1 #8). The runtime driver's
  # own limit is the SMM payload less 36 (ref 2.1): 0x3FFF4 - 36 = 262096 on Debian's build (TLS), 33744 on a
  # build without TLS — far above the non-volatile limit here. Every one answers EFI_INVALID_PARAMETER.
  Scenario Outline: A <attrs> variable of <data> is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes <attrs> to <data>
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilMaxSize" of vendor "TestVendor" does not exist

    Examples:
      | attrs      | data                 | refused by                                  |
      | NV\|BS\|RT | 33711 bytes of 0xA5  | SMM handler, one byte over the limit        |
      | NV\|BS     | 33711 bytes of 0xA5  | SMM handler, one byte over the limit        |
      | NV\|BS\|RT | 33722 bytes of 0xA5  | SMM handler (without TLS: the largest the runtime driver sends) |
      | NV\|BS\|RT | 33723 bytes of 0xA5  | SMM handler (without TLS: the runtime driver) |
      | NV\|BS\|RT | 65536 bytes of 0xA5  | SMM handler (observed on OVMF)              |

  # section 11 (observed on OVMF)
  Scenario: A 32768-byte non-volatile variable is stored
    Given the firmware is in the boot phase
    When I set the variable "HilBig" of vendor "TestVendor" with attributes NV|BS|RT to 32768 bytes of 0x3C
    Then the status is EFI_SUCCESS
    And the variable "HilBig" of vendor "TestVendor" holds 32768 bytes of 0x3C

  # ref 3.4.1 #8: the name counts; a 25-character name takes 52 bytes, leaving 33680 for data
  Scenario: A longer name leaves less room for data
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSizeWithALongerName" of vendor "TestVendor" with attributes NV|BS|RT to 33681 bytes of 0xA5
    Then the status is EFI_INVALID_PARAMETER
    When I set the variable "HilMaxSizeWithALongerName" of vendor "TestVendor" with attributes NV|BS|RT to 33680 bytes of 0xA5
    Then the status is EFI_SUCCESS
    And the variable "HilMaxSizeWithALongerName" of vendor "TestVendor" holds 33680 bytes of 0xA5

  Scenario: An oversized rewrite is refused and keeps the old value
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to text "small"
    Then the status is EFI_SUCCESS
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33711 bytes of 0xA5
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilMaxSize" of vendor "TestVendor" holds text "small"

  Scenario: Storage sizes stay consistent after a variable of the largest size is written
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33710 bytes of 0xA5
    Then the status is EFI_SUCCESS
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the maximum variable size is at most the maximum storage
    And the remaining storage is at most the maximum storage

  # Debian's OVMF is built with TLS: PcdMaxVolatileVariableSize 0x40000, so a volatile
  # variable may be far larger than a non-volatile one (0x40000 - 60 = 262084 for name + data).
  Scenario: A volatile variable larger than the non-volatile limit is stored
    Given the firmware is in the boot phase
    When I set the variable "HilBigVolatile" of vendor "TestVendor" with attributes BS|RT to 100000 bytes of 0x5A
    Then the status is EFI_SUCCESS
    And the variable "HilBigVolatile" of vendor "TestVendor" holds 100000 bytes of 0x5A

  # 30-byte name + 262054 bytes = 262084 = 0x40000 - 60
  Scenario: A volatile variable one byte over the volatile limit is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilBigVolatile" of vendor "TestVendor" with attributes BS|RT to 262055 bytes of 0x5A
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilBigVolatile" of vendor "TestVendor" does not exist
