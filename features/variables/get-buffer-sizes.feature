@requires:raw-calls
Feature: GetVariable buffer sizes
  GetVariable copies the data only when the caller's buffer is large enough. When it
  is not, the status is EFI_BUFFER_TOO_SMALL and DataSize tells the size needed;
  the attributes are returned either way. A buffer of 0 bytes is the usual size
  probe (with a NULL Data pointer).

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # ref 3.3 #5 and #6
  Scenario: A zero-size probe reports the data size and the attributes
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS|RT to 10 sequential bytes
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the data size is 10
    And the attributes are NV|BS|RT

  # section 11 (observed on OVMF)
  Scenario: A zero-size probe of a boot-service variable reports attributes 0x3
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS to 10 bytes of 0x33
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the data size is 10
    And the attributes are 0x3

  # ref 3.3 #5 and #6
  Scenario: A buffer one byte short is EFI_BUFFER_TOO_SMALL with the size needed
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes BS|RT to 10 sequential bytes
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 9 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the data size is 10
    And the attributes are BS|RT

  Scenario: A buffer of exactly the data size receives the data
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS|RT to 10 sequential bytes
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 10 bytes
    Then the status is EFI_SUCCESS
    And the data is 10 sequential bytes
    And the data size is 10
    And the attributes are NV|BS|RT

  Scenario: A larger buffer receives the data and the real size
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS|RT to 10 sequential bytes
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 0x400 bytes
    Then the status is EFI_SUCCESS
    And the data is 10 sequential bytes
    And the data size is 10

  # ref 3.3: the lookup (#3) comes before the size test (#5)
  Scenario: A zero-size probe of a missing variable is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I get the variable "HilNeverSet" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_NOT_FOUND

  # ref 3.3 #2
  Scenario: A zero-size probe of the empty name is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I get the variable "" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_NOT_FOUND

  Scenario: A probe after an append reports the combined size
    Given the firmware is in the boot phase
    When I set the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS|RT to 4 bytes of 0x01
    Then the status is EFI_SUCCESS
    When I append 3 bytes of 0x02 to the variable "HilProbe" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbe" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the data size is 7

  # A variable of the largest size (24-byte name + 33708 bytes = 33732). ref 2.1: the SMM path trims an
  # oversized DataSize to its buffer capacity (33720 here), which still holds the whole variable.
  Scenario: A variable of the largest size is probed and read with an oversized buffer
    Given the firmware is in the boot phase
    When I set the variable "HilProbeBig" of vendor "TestVendor" with attributes NV|BS|RT to 33708 bytes of 0x5A
    Then the status is EFI_SUCCESS
    When I get the variable "HilProbeBig" of vendor "TestVendor" with a buffer of 33707 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the data size is 33708
    When I get the variable "HilProbeBig" of vendor "TestVendor" with a buffer of 65536 bytes
    Then the status is EFI_SUCCESS
    And the data size is 33708
    And the data is 33708 bytes of 0x5A
