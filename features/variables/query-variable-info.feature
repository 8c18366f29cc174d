Feature: Querying variable storage
  QueryVariableInfo reports, for one storage class given by attributes, the size of
  the storage, the space that remains and the largest variable that still fits. The
  firmware's own variables use part of the store, so the scenarios check how the
  three numbers relate, not their values. The attribute checks run in a fixed order:
  zero, the deprecated AW bit, reserved bits alone, NV alone, RT without BS, HR
  without NV, and finally hardware error records on a platform without storage for
  them.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  Scenario Outline: Querying storage for <attrs> succeeds with consistent sizes
    Given the firmware is in the boot phase
    When I query variable storage for attributes <attrs>
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
    And the maximum variable size is at most the maximum storage

    Examples:
      | attrs      |
      | NV\|BS\|RT |
      | NV\|BS     |
      | BS\|RT     |
      | BS         |

  # ref 3.6, last row: reserved bits next to valid ones are not rejected by QueryVariableInfo
  Scenario: Querying storage with a reserved bit beside NV|BS|RT succeeds
    Given the firmware is in the boot phase
    When I query variable storage for attributes 0x87
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage

  # The "ref" column names the check in the reference facts, section 3.6, that decides the status.
  Scenario Outline: Querying storage for <attrs> is refused with <status>
    Given the firmware is in the boot phase
    When I query variable storage for attributes <attrs>
    Then the status is <status>

    Examples:
      | attrs          | status                | ref                                         |
      | 0              | EFI_INVALID_PARAMETER | #1 no attributes                            |
      | AW             | EFI_UNSUPPORTED       | #2 AW is deprecated                         |
      | NV\|BS\|RT\|AW | EFI_UNSUPPORTED       | #2 AW is deprecated                         |
      | NV\|AW         | EFI_UNSUPPORTED       | #2 AW is checked before NV alone            |
      | 0x80           | EFI_UNSUPPORTED       | #3 reserved bits only                       |
      | NV             | EFI_INVALID_PARAMETER | #4 NV alone                                 |
      | RT             | EFI_INVALID_PARAMETER | #5 RT without BS                            |
      | NV\|RT         | EFI_INVALID_PARAMETER | #5 RT without BS                            |
      | HR             | EFI_INVALID_PARAMETER | #7 HR without NV                            |
      | BS\|RT\|HR     | EFI_INVALID_PARAMETER | #7 HR without NV                            |
      | NV\|HR         | EFI_UNSUPPORTED       | #9 no hardware error storage (profile)      |
      | NV\|BS\|RT\|HR | EFI_UNSUPPORTED       | #9 no hardware error storage (profile)      |

  Scenario: Storage sizes stay consistent after variables are written and deleted
    Given the firmware is in the boot phase
    When I set the variable "HilQueryA" of vendor "TestVendor" with attributes NV|BS|RT to 1000 bytes of 0x77
    And I set the variable "HilQueryB" of vendor "TestVendor" with attributes NV|BS|RT to 2000 bytes of 0x77
    And I delete the variable "HilQueryA" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
    And the maximum variable size is at most the maximum storage
