Feature: Variable attributes
  SetVariable accepts a variable only with a valid combination of attributes:
  runtime access needs boot-service access, non-volatile alone is not a storage
  class, reserved bits are refused, the deprecated counter-based authenticated
  write (AW) is unsupported, time-based authenticated writes (AT) need a well-formed
  EFI_VARIABLE_AUTHENTICATION_2 header, and hardware error records need a platform
  that sets storage aside for them (the default profile does not). Once stored, the
  attributes of a variable can only change by deleting it first.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  Scenario Outline: Attributes <attrs> are accepted and read back as stored
    Given the firmware is in the boot phase
    When I set the variable "HilAttributes" of vendor "TestVendor" with attributes <attrs> to 4 bytes of 0xA5
    Then the status is EFI_SUCCESS
    When I get the variable "HilAttributes" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the attributes are <stored>
    And the data is 4 bytes of 0xA5

    Examples:
      | attrs      | stored     |
      | NV\|BS\|RT | NV\|BS\|RT |
      | NV\|BS     | NV\|BS     |
      | BS\|RT     | BS\|RT     |
      | BS         | BS         |
      | 7          | NV\|BS\|RT |
      | 0x3        | NV\|BS     |

  # The "ref" column names the rule in the reference facts, section 3.4.1, that decides the status.
  Scenario Outline: Attributes <attrs> are refused with <status> and nothing is stored
    Given the firmware is in the boot phase
    When I set the variable "HilAttributes" of vendor "TestVendor" with attributes <attrs> to 4 bytes of 0xA5
    Then the status is <status>
    And the variable "HilAttributes" of vendor "TestVendor" does not exist

    Examples:
      | attrs              | status                | ref                                      |
      | RT                 | EFI_INVALID_PARAMETER | #4a runtime access without boot service  |
      | NV\|RT             | EFI_INVALID_PARAMETER | #4a runtime access without boot service  |
      | NV                 | EFI_INVALID_PARAMETER | #4b non-volatile alone                   |
      | 0x80               | EFI_INVALID_PARAMETER | #3 reserved bit                          |
      | 0x87               | EFI_INVALID_PARAMETER | #3 reserved bit beside valid bits        |
      | NV\|BS\|RT\|HR     | EFI_INVALID_PARAMETER | #4d no hardware error storage (profile)  |
      | BS\|RT\|HR         | EFI_INVALID_PARAMETER | #4d no hardware error storage (profile)  |
      | RT\|AW             | EFI_UNSUPPORTED       | #4a with AW set                          |
      | NV\|AW             | EFI_INVALID_PARAMETER | #4b: OVMF 2022.11 ignores AW here        |
      | NV\|BS\|RT\|AW     | EFI_UNSUPPORTED       | #6a AW without a 560-byte AuthInfo       |
      | NV\|BS\|RT\|AW\|AT | EFI_UNSUPPORTED       | #5 AW and AT together                    |

  # ref 3.4.1 #6b: an AT write needs at least 40 bytes (EFI_TIME + WIN_CERTIFICATE_UEFI_GUID header),
  # and the certificate length at offset 16 must be at least 24 and fit in the data.
  Scenario Outline: A time-based authenticated write with a malformed header (<data>) is a security violation
    Given the firmware is in the boot phase
    When I set the variable "HilAuthenticated" of vendor "TestVendor" with attributes NV|BS|RT|AT to <data>
    Then the status is EFI_SECURITY_VIOLATION
    And the variable "HilAuthenticated" of vendor "TestVendor" does not exist

    Examples:
      | data             |
      | 10 bytes of 0x00 |
      | no data          |
      | 40 bytes of 0x00 |
      | 40 bytes of 0xFF |

  # ref 3.4.1 #13 and section 11 (observed on OVMF)
  Scenario: Rewriting a non-volatile variable as volatile is EFI_INVALID_PARAMETER and keeps it
    Given the firmware is in the boot phase
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes NV|BS to text "kept"
    Then the status is EFI_SUCCESS
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes BS|RT to text "changed"
    Then the status is EFI_INVALID_PARAMETER
    When I get the variable "HilKeepAttributes" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "kept"
    And the attributes are NV|BS

  # ref 3.4.1 #13: any difference other than APPEND is refused
  Scenario: Adding runtime access to an existing variable is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes NV|BS to text "kept"
    Then the status is EFI_SUCCESS
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes NV|BS|RT to text "kept"
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilKeepAttributes" of vendor "TestVendor" holds text "kept"

  # ref 3.4.1 #13
  Scenario: Rewriting a volatile variable as non-volatile is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes BS|RT to text "volatile"
    Then the status is EFI_SUCCESS
    When I set the variable "HilKeepAttributes" of vendor "TestVendor" with attributes NV|BS|RT to text "volatile"
    Then the status is EFI_INVALID_PARAMETER
    When I get the variable "HilKeepAttributes" of vendor "TestVendor"
    Then the data is text "volatile"
    And the attributes are BS|RT
