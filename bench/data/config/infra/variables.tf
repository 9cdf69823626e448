variable "region" {
  default = "eu-central-1"
}

variable "admin_cidr" {
  default = "0.0.0.0/0"
}

locals {
  encrypt_disks = false
}
