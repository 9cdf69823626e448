variable "project" {
  type = string
}

variable "region" {
  type    = string
  default = "europe-west3"
}

variable "env" {
  type    = string
  default = "staging"
}

variable "admin_ranges" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}
