terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 5.30"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}

locals {
  labels = {
    team = "platform"
    env  = var.env
  }
}

resource "google_compute_network" "vpc" {
  name                    = "${var.env}-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "nodes" {
  name          = "${var.env}-nodes"
  ip_cidr_range = "10.20.0.0/20"
  region        = var.region
  network       = google_compute_network.vpc.id
  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = 0.5
  }
}

resource "google_compute_firewall" "admin" {
  name          = "${var.env}-admin"
  network       = google_compute_network.vpc.name
  source_ranges = var.admin_ranges
  allow {
    protocol = "tcp"
    ports    = ["22", "5432"]
  }
}

resource "google_container_cluster" "main" {
  name                     = "${var.env}-gke"
  location                 = var.region
  network                  = google_compute_network.vpc.id
  subnetwork               = google_compute_subnetwork.nodes.id
  remove_default_node_pool = true
  initial_node_count       = 1

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}

resource "google_sql_database_instance" "ledger" {
  name             = "${var.env}-ledger"
  database_version = "POSTGRES_16"
  region           = var.region
  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "office"
        value = "198.51.100.0/24"
      }
    }
    backup_configuration {
      enabled = true
    }
  }
}

resource "google_storage_bucket" "exports" {
  name                        = "${var.project}-exports"
  location                    = "EU"
  uniform_bucket_level_access = true
  labels                      = local.labels
}

resource "google_storage_bucket_iam_binding" "exports_public" {
  bucket  = google_storage_bucket.exports.name
  role    = "roles/storage.objectViewer"
  members = ["allUsers"]
}

resource "google_kms_key_ring" "ring" {
  name     = "${var.env}-ring"
  location = "europe"
}

resource "google_kms_crypto_key" "ledger" {
  name            = "ledger"
  key_ring        = google_kms_key_ring.ring.id
  rotation_period = "31536000s"
}

resource "google_project_iam_member" "ci_editor" {
  project = var.project
  role    = "roles/editor"
  member  = "serviceAccount:ci@${var.project}.iam.gserviceaccount.com"
}
